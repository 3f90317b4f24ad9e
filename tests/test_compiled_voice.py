"""The Piper voice compiled for this machine: the same samples as the original, made once, and never in the way."""

from __future__ import annotations

import numpy as np
import onnxruntime
import pytest

from newscast.speech import compiled_voice, piper
from newscast.speech.compiled_voice import _model_class, compile_voice, compiled_path, conv1d_as_conv2d
from newscast.speech.piper import bundled_model_path, voice_config

pytestmark = pytest.mark.piper


@pytest.fixture(scope="module")
def shared_voices(tmp_path_factory):
    return tmp_path_factory.mktemp("compiled-voices")


@pytest.fixture
def voices(shared_voices, monkeypatch):
    """One compilation for the module's tests (each takes a second), in a folder of its own."""
    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: shared_voices)
    return shared_voices


def _session(path):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _speak(session, ids: list[int]) -> np.ndarray:
    """The model's waveform with its noise turned off (noise scale and width 0), so two runs can be compared."""
    feed = {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    return session.run(None, feed)[0].squeeze()


def test_the_compiled_voice_speaks_the_same_samples(voices):
    model = bundled_model_path()
    voice = piper._load_session_voice(model, 1, compiled=False)
    ids = voice.phonemes_to_ids(voice.phonemize("The harbor ferry crossed the bay at dawn on Monday.")[0])
    original = _speak(voice.session, ids)
    compiled = _speak(_session(compile_voice(model)), ids)
    assert len(original) == len(compiled) > 22_050
    assert float(np.abs(original).max()) > 0.2  # speech, not silence that would agree with anything
    assert float(np.abs(original - compiled).max()) < 2e-4  # below one step of the 16-bit output


def test_every_1d_convolution_becomes_2d():
    original = _model_class().FromString(bundled_model_path().read_bytes())
    rewritten = _model_class().FromString(conv1d_as_conv2d(bundled_model_path().read_bytes()))

    def convolutions(model, rank):
        weights = {tensor.name: len(tensor.dims) for tensor in model.graph.initializer}
        return [n.name for n in model.graph.node if n.op_type.startswith("Conv") and weights.get(n.input[1]) == rank]

    one_d = convolutions(original, 3)
    assert len(one_d) > 100
    assert convolutions(rewritten, 3) == []
    assert convolutions(rewritten, 4) == one_d
    kinds = [node.op_type for node in rewritten.graph.node]
    assert kinds.count("Unsqueeze") - [n.op_type for n in original.graph.node].count("Unsqueeze") == len(one_d)
    # everything the subset does not declare (the weights' bytes, graph inputs, metadata) passes through
    assert len(rewritten.SerializeToString()) - len(original.SerializeToString()) < 100 * len(one_d)


def _tiny_model(opset: int, op_type: str, weight_dims: list[int]) -> bytes:
    model = _model_class()()
    model.opset_import.add(domain="", version=opset)
    model.graph.initializer.add(name="w", data_type=1, dims=weight_dims)
    model.graph.node.add(op_type=op_type, input=["x", "w"], output=["y"], name="only")
    return model.SerializeToString()


def test_a_model_with_nothing_to_rewrite_is_left_alone():
    assert conv1d_as_conv2d(_tiny_model(15, "Conv", [4, 4, 3, 3])) is None  # already 2-D
    assert conv1d_as_conv2d(_tiny_model(15, "MatMul", [4, 4, 3])) is None
    assert conv1d_as_conv2d(_tiny_model(11, "Conv", [4, 4, 3])) is None  # Squeeze's axes were an attribute then
    assert conv1d_as_conv2d(_tiny_model(15, "Conv", [4, 4, 3])) is not None


def test_compiled_once_and_older_compilations_removed(voices, monkeypatch):
    model = bundled_model_path()
    stale = voices / f"{model.stem}.0123456789abcdef.ort"
    stale.write_bytes(b"made by another onnxruntime")
    compiled_path(model).unlink(missing_ok=True)  # (another test may have made it)
    first = compile_voice(model)
    assert first == compiled_path(model) and first.stat().st_size > 50_000_000
    assert not stale.exists()
    assert not [path for path in voices.iterdir() if path.name.startswith(".")]  # no scratch file left

    def no_second_rewrite(data):
        raise AssertionError("compiled again")

    monkeypatch.setattr(compiled_voice, "conv1d_as_conv2d", no_second_rewrite)
    assert compile_voice(model) == first


def _sessions_opened(monkeypatch) -> list:
    opened = []
    real = piper._session

    def record(path, threads):
        opened.append(path)
        return real(path, threads)

    monkeypatch.setattr(piper, "_session", record)
    return opened


def test_the_voice_loads_compiled(voices, monkeypatch):
    opened = _sessions_opened(monkeypatch)
    voice = piper._load_session_voice(bundled_model_path(), 1)
    assert opened == [compiled_path(bundled_model_path())]
    assert len(list(voice.synthesize("Hello."))) == 1


def test_a_damaged_compiled_voice_is_replaced(voices, monkeypatch):
    model = bundled_model_path()
    compile_voice(model)
    compiled_path(model).write_bytes(b"\x00" * 1000)  # a disk that lost it
    opened = _sessions_opened(monkeypatch)
    voice = piper._load_session_voice(model, 1)
    assert opened == [compiled_path(model), model]  # the damaged file failed, the original spoke
    assert len(list(voice.synthesize("Hello."))) == 1
    assert not compiled_path(model).exists()  # made again by the next load
    piper._load_session_voice(model, 1)
    assert compiled_path(model).stat().st_size > 50_000_000


def test_the_original_speaks_when_the_voice_cannot_be_compiled(voices, monkeypatch):
    def unwritable(model_path):
        raise PermissionError(13, "Permission denied", str(voices))

    monkeypatch.setattr(piper, "compile_voice", unwritable)
    opened = _sessions_opened(monkeypatch)
    voice = piper._load_session_voice(bundled_model_path(), 1)
    assert opened == [bundled_model_path()]
    assert voice.config.sample_rate == voice_config(bundled_model_path()).sample_rate
    assert len(list(voice.synthesize("Hello."))) == 1
