"""A Piper voice compiled for this machine: its 1-D convolutions run as 2-D ones, saved as onnxruntime's format.

Piper's voices are VITS models exported with 1-D convolutions, which onnxruntime runs through im2col and a
matrix product. As 2-D convolutions of height 1 (the same weights, the same arithmetic), its graph optimiser
moves them to the blocked NCHWc kernels, and a voice speaks for about a fifth less CPU (the example article:
82 -> 65 ms of CPU per second of audio; the samples agree to within 4e-5). Rewriting and optimising takes about
a second, so the result is kept per voice, onnxruntime version and CPU in the user cache dir, which a voice
loads from in the time the original takes.

The rewrite needs only the ``protobuf`` runtime onnxruntime already depends on: the few ONNX fields it touches
are declared below, and every other field of the model passes through as an unknown field, byte for byte.
Anything unexpected means the original model is used, as before.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import logging
import os
import platform
import re
import tempfile
import time
from pathlib import Path

import platformdirs

REWRITE_VERSION = 1  # bump when the rewrite changes, so compiled voices are made again
_AXES = "newscast_height_axis"
_INT64 = 7  # TensorProto.DataType
_SPATIAL = ("kernel_shape", "strides", "dilations")


def compiled_voices_dir() -> Path:
    return Path(platformdirs.user_cache_dir("newscast")) / "voices"


@functools.cache
def _model_class():
    """ONNX's ModelProto, declared with only the fields the rewrite reads or writes."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    kinds = {"string": field.TYPE_STRING, "int64": field.TYPE_INT64, "int32": field.TYPE_INT32}

    def message(name: str, *fields: tuple[str, int, str, bool]) -> descriptor_pb2.DescriptorProto:
        declared = descriptor_pb2.DescriptorProto(name=name)
        for field_name, number, kind, repeated in fields:
            entry = declared.field.add(name=field_name, number=number)
            entry.label = field.LABEL_REPEATED if repeated else field.LABEL_OPTIONAL
            if kind in kinds:
                entry.type = kinds[kind]
            else:
                entry.type, entry.type_name = field.TYPE_MESSAGE, f".newscast_onnx.{kind}"
        return declared

    file = descriptor_pb2.FileDescriptorProto(name="newscast_onnx.proto", package="newscast_onnx", syntax="proto2")
    file.message_type.extend([
        message("AttributeProto", ("name", 1, "string", False), ("ints", 8, "int64", True)),
        message("TensorProto", ("dims", 1, "int64", True), ("data_type", 2, "int32", False),
                ("int64_data", 7, "int64", True), ("name", 8, "string", False)),
        message("NodeProto", ("input", 1, "string", True), ("output", 2, "string", True),
                ("name", 3, "string", False), ("op_type", 4, "string", False),
                ("attribute", 5, "AttributeProto", True), ("domain", 7, "string", False)),
        message("ValueInfoProto", ("name", 1, "string", False)),
        message("GraphProto", ("node", 1, "NodeProto", True), ("initializer", 5, "TensorProto", True),
                ("input", 11, "ValueInfoProto", True), ("value_info", 13, "ValueInfoProto", True)),
        message("OperatorSetIdProto", ("domain", 1, "string", False), ("version", 2, "int64", False)),
        message("ModelProto", ("graph", 7, "GraphProto", False), ("opset_import", 8, "OperatorSetIdProto", True)),
    ])  # fmt: skip
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    model = pool.FindMessageTypeByName("newscast_onnx.ModelProto")
    if hasattr(message_factory, "GetMessageClass"):  # protobuf 4.22 and later
        return message_factory.GetMessageClass(model)
    return message_factory.MessageFactory(pool).GetPrototype(model)


def conv1d_as_conv2d(model_bytes: bytes) -> bytes | None:
    """The model with every 1-D Conv and ConvTranspose as a 2-D one of height 1 between an Unsqueeze and a
    Squeeze; None when there is none to rewrite, or the model is one this rewrite does not know how to handle.

    A convolution is rewritten only when its weight is a constant no other node reads (nor the caller, as a
    graph input) and every attribute is one it knows, of the length a 1-D convolution has."""
    model = _model_class().FromString(model_bytes)
    opset = max((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), default=0)
    if opset < 13:  # Squeeze and Unsqueeze take their axes as an input from opset 13
        return None
    graph = model.graph
    if any(node.op_type in _SUBGRAPHS for node in graph.node):
        return None  # their bodies may read the weights too, unseen here
    weights = {tensor.name: tensor for tensor in graph.initializer}
    uses = collections.Counter(name for node in graph.node for name in node.input)
    uses.update(value.name for value in graph.input)
    node_class = type(graph.node.add())
    del graph.node[-1]
    nodes, rewritten = [], 0
    for node in graph.node:
        weight = weights.get(node.input[1]) if _is_conv(node) and uses[node.input[1]] == 1 else None
        if weight is None or len(weight.dims) != 3 or not _attributes_1d(node):
            nodes.append(node)
            continue
        weight.dims.insert(2, 1)  # [out, in, k] -> [out, in, 1, k]: the same bytes
        for attribute in node.attribute:
            if attribute.name in _SPATIAL:
                attribute.ints.insert(0, 1)
            elif attribute.name == "output_padding":
                attribute.ints.insert(0, 0)
            elif attribute.name == "pads":
                begin, end = attribute.ints
                attribute.ints[:] = [0, begin, 0, end]
        source, result = node.input[0], node.output[0]
        label = node.name or result
        node.input[0], node.output[0] = f"{source}:2d:{rewritten}", f"{result}:2d"
        nodes += [
            node_class(op_type="Unsqueeze", input=[source, _AXES], output=[node.input[0]], name=f"{label}:in"),
            node,
            node_class(op_type="Squeeze", input=[node.output[0], _AXES], output=[result], name=f"{label}:out"),
        ]
        rewritten += 1
    if not rewritten:
        return None
    graph.initializer.add(name=_AXES, data_type=_INT64, dims=[1], int64_data=[2])
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]  # shapes recorded for the 1-D graph; onnxruntime infers them again
    return model.SerializeToString()


_SUBGRAPHS = ("If", "Loop", "Scan")


def _is_conv(node) -> bool:
    return node.op_type in ("Conv", "ConvTranspose") and not node.domain and len(node.input) >= 2


def _attributes_1d(node) -> bool:
    """Every attribute one the rewrite knows, with the length it has on a 1-D convolution."""
    lengths = {"kernel_shape": 1, "strides": 1, "dilations": 1, "output_padding": 1, "pads": 2}
    for attribute in node.attribute:
        if attribute.name == "group":
            continue
        if attribute.name not in lengths or len(attribute.ints) != lengths[attribute.name]:
            return False
    return True


def _machine() -> str:
    """What the optimised graph depends on: onnxruntime picks its kernels by the CPU's instruction sets (as numpy
    sees them, on every platform; and Linux's own list where it has one)."""
    import importlib

    try:
        umath = importlib.import_module("numpy._core._multiarray_umath")
    except ImportError:  # numpy 1
        umath = importlib.import_module("numpy.core._multiarray_umath")
    features: dict[str, bool] = getattr(umath, "__cpu_features__", {})
    listed = ""
    with contextlib.suppress(OSError, UnicodeError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        listed = next((line for line in cpuinfo if line.startswith(("flags", "Features"))), "")
    present = " ".join(sorted(name for name, available in features.items() if available))
    return f"{platform.machine()} {platform.processor()} {present} {listed}"


def compiled_path(model_path: Path) -> Path:
    """``<stem>.<where>.<what>.ort``: ``where`` tells apart voices of one name in different folders; ``what``
    is everything the compiled graph depends on (the model file as it is now, onnxruntime, the rewrite, the CPU),
    so a change to any of them compiles the voice again."""
    import onnxruntime

    model_path = model_path.resolve()
    stat = model_path.stat()
    where = hashlib.sha256(str(model_path).encode()).hexdigest()[:8]
    what = (
        f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino} {onnxruntime.__version__} "
        f"{REWRITE_VERSION} {_machine()}"
    )
    return compiled_voices_dir() / f"{model_path.stem}.{where}.{hashlib.sha256(what.encode()).hexdigest()[:16]}.ort"


_STALE_SCRATCH_SECONDS = 3600  # a scratch file this old was left by a process that died compiling
_failed: set[Path] = set()  # compilations that failed in this process: not tried again, not reported again
_log = logging.getLogger("newscast")


def compiled_voice(model_path: Path) -> Path | None:
    """The voice compiled for this machine, made on first use, or None: then the original model speaks. Never
    raises; a failure (an unwritable cache, a graph onnxruntime rejects) is reported once per process."""
    try:
        target = compiled_path(model_path)
    except (OSError, ImportError):
        return None
    if target.is_file():
        return target
    if target in _failed:
        return None
    try:
        return compile_voice(model_path)
    except Exception as error:
        _failed.add(target)
        _log.warning(
            "newscast: the Piper voice %s could not be compiled for this machine (%s); it speaks as published, "
            "about a fifth slower",
            model_path.name,
            error,
        )
        return None


def compile_voice(model_path: Path) -> Path | None:
    """The voice compiled for this machine, made now if it is not there; None when the model has nothing the
    rewrite can take. Written to a scratch file, synced and renamed, so no reader ever sees part of a model; the
    same voice's older compilations (another onnxruntime, an edited model) are removed."""
    import onnxruntime

    target = compiled_path(model_path)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)  # an unwritable cache fails here, before the work
    rewritten = conv1d_as_conv2d(model_path.read_bytes())
    if rewritten is None:
        return None
    place = target.name.rsplit(".", 2)[0]  # <stem>.<where>
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=f".{place}.", suffix=".ort")
    os.close(handle)
    try:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = scratch
        options.add_session_config_entry("session.save_model_format", "ORT")
        options.log_severity_level = 3  # not the warning that the saved graph suits this CPU only: it is keyed by it
        onnxruntime.InferenceSession(rewritten, sess_options=options, providers=["CPUExecutionProvider"])
        with open(scratch, "rb+") as saved:
            os.fsync(saved.fileno())
        os.chmod(scratch, 0o644)  # mkstemp's 0600 would shut out the other users of a shared cache
        try:
            os.replace(scratch, target)
        except OSError:
            if not target.is_file():  # (another process's copy, held open where that forbids a rename)
                raise
    finally:
        Path(scratch).unlink(missing_ok=True)
    _remove_older(target, place)
    return target


def _remove_older(target: Path, place: str) -> None:
    """The same voice's other compilations, and scratch files a killed process left, are removed."""
    compiled = re.compile(rf"{re.escape(place)}\.[0-9a-f]{{16}}\.ort")
    now = time.time()
    for path in target.parent.iterdir():
        with contextlib.suppress(OSError):
            older = path != target and compiled.fullmatch(path.name)
            if older or (path.name.startswith(f".{place}.") and now - path.stat().st_mtime > _STALE_SCRATCH_SECONDS):
                path.unlink()
