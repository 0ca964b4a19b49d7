"""The exceptions of ivassign, one per class of the C++ hierarchy (include/ivassign/error.hpp).

Every exception the library raises derives from :class:`Error`; the message is the C++ one.
:class:`InputError` is also a :class:`ValueError`, :class:`ResourceError` also a
:class:`MemoryError`, so code that does not know ivassign still catches them naturally.
"""


class Error(RuntimeError):
    """Base of every ivassign exception (ivassign::Error)."""


class InputError(Error, ValueError):
    """The input (a file, a setting, an argument) breaks a documented rule; nothing was computed."""


class ResourceError(Error, MemoryError):
    """Memory (host or device) ran out, or a limit was hit before any feasible answer."""


class CudaError(Error):
    """A CUDA runtime call failed; the message names the call and the CUDA error."""


__all__ = ["Error", "InputError", "ResourceError", "CudaError"]
