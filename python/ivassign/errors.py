"""The exceptions of ivassign, one per class of the C++ hierarchy (include/ivassign/error.hpp).

Every exception the library raises derives from :class:`Error`; the message is the C++ one.
:class:`InputError` is also a :class:`ValueError`, :class:`ResourceError` also a
:class:`MemoryError`, so code that does not know ivassign still catches them naturally;
:class:`InputTypeError` (an input of the wrong type, where numpy or scipy raise TypeError) is both
an InputError and a :class:`TypeError`; :class:`MissingDependencyError` (an optional package such as
pandas is not installed) is an :class:`ImportError`.
"""


class Error(RuntimeError):
    """Base of every ivassign exception (ivassign::Error)."""


class InputError(Error, ValueError):
    """The input (a file, a setting, an argument) breaks a documented rule; nothing was computed."""


class InputTypeError(InputError, TypeError):
    """An argument of the wrong type (a string matrix where numbers are needed): an InputError that
    is also the TypeError numpy and scipy raise for it. Raised by the Python package itself."""


class MissingDependencyError(Error, ImportError):
    """An optional dependency is not installed (pandas for MechanismReport.buyers()); ``name`` is the
    missing package and the message says what to pip install."""


class ResourceError(Error, MemoryError):
    """Memory (host or device) ran out, or a limit was hit before any feasible answer."""


class CudaError(Error):
    """A CUDA runtime call failed; the message names the call and the CUDA error."""


__all__ = ["Error", "InputError", "InputTypeError", "MissingDependencyError", "ResourceError", "CudaError"]
