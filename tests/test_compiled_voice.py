"""The Piper voice compiled for this machine: the same samples as the original, made once, and never in the way."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from newscast.speech import compiled_voice, piper
from newscast.speech.compiled_voice import _model_class, compile_voice, compiled_path, conv1d_as_conv2d
from newscast.speech.piper import bundled_model_path, voice_config

pytestmark = pytest.mark.piper


def _session(path, profile: bool = False):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.enable_profiling = profile
    return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _speak(session, ids: list[int]) -> np.ndarray:
    """The model's waveform with its noise turned off (noise scale and width 0), so two runs can be compared."""
    feed = {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    return session.run(None, feed)[0].squeeze()


def _phoneme_ids(text: str) -> list[int]:
    voice = piper._load_session_voice(bundled_model_path(), 1, compiled=False)
    return voice.phonemes_to_ids(voice.phonemize(text)[0])


def test_the_compiled_voice_speaks_the_same_samples():
    ids = _phoneme_ids("The harbor ferry crossed the bay at dawn on Monday.")
    original = _speak(_session(bundled_model_path()), ids)
    compiled = _speak(_session(compile_voice(bundled_model_path())), ids)
    assert len(original) == len(compiled) > 22_050
    assert float(np.abs(original).max()) > 0.2  # speech, not silence that would agree with anything
    assert float(np.abs(original - compiled).max()) < 2e-4  # below one step of the 16-bit output


def test_the_compiled_voice_runs_on_the_blocked_kernels(tmp_path, monkeypatch):
    """What the rewrite is for: onnxruntime's NCHWc convolutions, which it only uses for 2-D ones."""
    monkeypatch.chdir(tmp_path)  # where onnxruntime writes its profile
    session = _session(compile_voice(bundled_model_path()), profile=True)
    _speak(session, _phoneme_ids("Hello there."))
    events = json.loads(Path(session.end_profiling()).read_text())
    blocked = {event["name"] for event in events if event.get("cat") == "Node" and "nchwc" in event["name"]}
    assert len(blocked) > 50


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
    names = [node.name for node in rewritten.graph.node if node.name]
    assert len(names) == len(set(names))  # unnamed convolutions too get names of their own
    # everything the subset does not declare (the weights' bytes, graph inputs, metadata) passes through
    assert len(rewritten.SerializeToString()) - len(original.SerializeToString()) < 100 * len(one_d)


def _tiny_model(opset: int, *convolutions: tuple[str, str], weight_dims=(4, 4, 3), pads=(1, 1)) -> bytes:
    """A graph of convolutions (op type, weight name), each reading x: only what the rewrite looks at."""
    model = _model_class()()
    model.opset_import.add(domain="", version=opset)
    for weight in {weight for _, weight in convolutions}:
        model.graph.initializer.add(name=weight, data_type=1, dims=list(weight_dims))
    for index, (op_type, weight) in enumerate(convolutions):
        node = model.graph.node.add(op_type=op_type, input=["x", weight], output=[f"y{index}"], name=f"conv{index}")
        node.attribute.add(name="pads", ints=list(pads))
    return model.SerializeToString()


def test_a_model_with_nothing_it_can_safely_rewrite_is_left_alone():
    assert conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"))) is not None
    assert conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"), weight_dims=(4, 4, 3, 3), pads=(1, 1, 1, 1))) is None
    assert conv1d_as_conv2d(_tiny_model(15, ("MatMul", "w"))) is None
    assert conv1d_as_conv2d(_tiny_model(11, ("Conv", "w"))) is None  # Squeeze's axes were an attribute then
    assert conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"), pads=(1, 1, 1))) is None  # not a 1-D convolution's


def test_a_weight_two_nodes_read_is_not_reshaped_under_either():
    assert conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"), ("Conv", "w"))) is None
    assert conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"), ("Shape", "w"))) is None
    model = _model_class().FromString(_tiny_model(15, ("Conv", "w")))
    model.graph.input.add(name="w")  # the caller may pass another weight: its shape is the caller's
    assert conv1d_as_conv2d(model.SerializeToString()) is None
    rewritten = _model_class().FromString(conv1d_as_conv2d(_tiny_model(15, ("Conv", "w"), ("Conv", "v"))))
    assert sorted(len(tensor.dims) for tensor in rewritten.graph.initializer) == [1, 4, 4]  # the axes, v and w


def test_compiled_once_and_only_the_same_voices_older_compilations_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: tmp_path / "voices")
    model = bundled_model_path()
    place = compiled_path(model).name.rsplit(".", 2)[0]
    (tmp_path / "voices").mkdir()
    stale = tmp_path / "voices" / f"{place}.0123456789abcdef.ort"
    stale.write_bytes(b"made by another onnxruntime")
    other = tmp_path / "voices" / f"{model.stem}.v2.{place.rsplit('.', 1)[1]}.0123456789abcdef.ort"
    other.write_bytes(b"another voice whose name starts the same")
    elsewhere = tmp_path / "voices" / f"{model.stem}.00000000.0123456789abcdef.ort"
    elsewhere.write_bytes(b"a voice of the same name in another folder")
    first = compile_voice(model)
    assert first == compiled_path(model) and first.stat().st_size > 50_000_000
    assert first.stat().st_mode & 0o777 == 0o644
    assert not stale.exists()
    assert other.exists() and elsewhere.exists()
    assert not [path for path in (tmp_path / "voices").iterdir() if path.name.startswith(".")]  # no scratch left

    def no_second_rewrite(data):
        raise AssertionError("compiled again")

    monkeypatch.setattr(compiled_voice, "conv1d_as_conv2d", no_second_rewrite)
    assert compile_voice(model) == first


def test_voices_of_one_name_in_two_folders_compile_apart(tmp_path):
    copy = tmp_path / "copy" / bundled_model_path().name
    copy.parent.mkdir()
    shutil.copy2(bundled_model_path(), copy)
    assert compiled_path(copy) != compiled_path(bundled_model_path())
    assert compiled_path(copy).name.split(".")[0] == compiled_path(bundled_model_path()).name.split(".")[0]


def test_a_replaced_model_compiles_again(tmp_path):
    model = tmp_path / "voice.onnx"
    shutil.copy2(bundled_model_path(), model)
    before = compiled_path(model)
    replacement = tmp_path / "new.onnx"
    shutil.copy2(bundled_model_path(), replacement)  # same size and time, as `cp -p` or rsync would leave it
    replacement.replace(model)
    assert compiled_path(model) != before


def _sessions_opened(monkeypatch) -> list:
    opened = []
    real = piper._session

    def record(path, threads):
        opened.append(path)
        return real(path, threads)

    monkeypatch.setattr(piper, "_session", record)
    return opened


def test_the_voice_loads_compiled(monkeypatch):
    opened = _sessions_opened(monkeypatch)
    voice = piper._load_session_voice(bundled_model_path(), 1)
    assert opened == [compiled_path(bundled_model_path())]
    assert len(list(voice.synthesize("Hello."))) == 1


def test_a_damaged_compiled_voice_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: tmp_path)
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


def test_an_unwritable_cache_costs_one_try_and_one_warning(tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: blocked / "voices")
    monkeypatch.setattr(compiled_voice, "_failed", set())
    tries = []
    real = compiled_voice.compile_voice
    monkeypatch.setattr(compiled_voice, "compile_voice", lambda path: tries.append(path) or real(path))
    opened = _sessions_opened(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="newscast"):
        for _ in range(2):
            voice = piper._load_session_voice(bundled_model_path(), 1)
            assert len(list(voice.synthesize("Hello."))) == 1
    assert opened == [bundled_model_path()] * 2  # the original spoke, both times
    assert len(tries) == 1
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "could not be compiled" in warnings[0] and "as published" in warnings[0]
    assert voice.config.sample_rate == voice_config(bundled_model_path()).sample_rate


def test_a_damaged_compiled_voice_that_cannot_be_removed_still_lets_the_voice_speak(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: tmp_path)
    model = bundled_model_path()
    compile_voice(model)
    damaged = compiled_path(model)
    damaged.write_bytes(b"\x00" * 1000)
    real_unlink = Path.unlink

    def read_only(self, missing_ok=False):
        if self == damaged:
            raise PermissionError(13, "Permission denied", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", read_only)
    voice = piper._load_session_voice(model, 1)
    assert len(list(voice.synthesize("Hello."))) == 1
