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

import functools
import hashlib
import os
import platform
import tempfile
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
                ("value_info", 13, "ValueInfoProto", True)),
        message("OperatorSetIdProto", ("domain", 1, "string", False), ("version", 2, "int64", False)),
        message("ModelProto", ("graph", 7, "GraphProto", False), ("opset_import", 8, "OperatorSetIdProto", True)),
    ])  # fmt: skip
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("newscast_onnx.ModelProto"))


def conv1d_as_conv2d(model_bytes: bytes) -> bytes | None:
    """The model with every 1-D Conv and ConvTranspose as a 2-D one of height 1 between an Unsqueeze and a
    Squeeze; None when there is none to rewrite, or the model is one this rewrite does not know how to handle."""
    model = _model_class().FromString(model_bytes)
    opset = max((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), default=0)
    if opset < 13:  # Squeeze and Unsqueeze take their axes as an input from opset 13
        return None
    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    node_class = type(graph.node.add())
    del graph.node[-1]
    nodes, rewritten = [], 0
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type in ("Conv", "ConvTranspose") and not node.domain else None
        attributes = {attribute.name: attribute for attribute in node.attribute}
        if weight is None or len(weight.dims) != 3 or set(attributes) - {*_SPATIAL, "pads", "group", "output_padding"}:
            nodes.append(node)
            continue
        weight.dims.insert(2, 1)  # [out, in, k] -> [out, in, 1, k]: the same bytes
        for name in _SPATIAL:
            if name in attributes:
                attributes[name].ints.insert(0, 1)
        if "output_padding" in attributes:
            attributes["output_padding"].ints.insert(0, 0)
        if "pads" in attributes:
            begin, end = attributes["pads"].ints
            attributes["pads"].ints[:] = [0, begin, 0, end]
        source, result = node.input[0], node.output[0]
        node.input[0], node.output[0] = f"{source}:2d:{rewritten}", f"{result}:2d"
        nodes += [
            node_class(op_type="Unsqueeze", input=[source, _AXES], output=[node.input[0]], name=f"{node.name}:in"),
            node,
            node_class(op_type="Squeeze", input=[node.output[0], _AXES], output=[result], name=f"{node.name}:out"),
        ]
        rewritten += 1
    if not rewritten:
        return None
    graph.initializer.add(name=_AXES, data_type=_INT64, dims=[1], int64_data=[2])
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]  # shapes recorded for the 1-D graph; onnxruntime infers them again
    return model.SerializeToString()


def _machine() -> str:
    """What the optimised graph depends on: onnxruntime picks its kernels by the CPU's instruction sets."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "")
    except OSError:
        flags = ""
    return f"{platform.machine()} {platform.processor()} {flags}"


def compiled_path(model_path: Path) -> Path:
    import onnxruntime

    stat = model_path.stat()
    key = f"{model_path.resolve()} {stat.st_size} {stat.st_mtime_ns} {onnxruntime.__version__} {REWRITE_VERSION}"
    digest = hashlib.sha256(f"{key} {_machine()}".encode()).hexdigest()[:16]
    return compiled_voices_dir() / f"{model_path.stem}.{digest}.ort"


def compile_voice(model_path: Path) -> Path | None:
    """The voice compiled for this machine, made on first use; None when the model cannot be rewritten (use the
    original). Written to a temporary file and renamed, so a reader never sees half a model; a voice's older
    compilations (another onnxruntime, an edited model) are removed."""
    import onnxruntime

    target = compiled_path(model_path)
    if target.is_file():
        return target
    rewritten = conv1d_as_conv2d(model_path.read_bytes())
    if rewritten is None:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".ort")
    os.close(handle)
    try:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = scratch
        options.add_session_config_entry("session.save_model_format", "ORT")
        options.log_severity_level = 3  # not the warning that the saved graph suits this CPU only: it is keyed by it
        onnxruntime.InferenceSession(rewritten, sess_options=options, providers=["CPUExecutionProvider"])
        os.replace(scratch, target)
    finally:
        Path(scratch).unlink(missing_ok=True)
    for older in target.parent.glob(f"{model_path.stem}.*.ort"):
        if older != target:
            older.unlink(missing_ok=True)
    return target
