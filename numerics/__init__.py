"""momcert's numeric side: PyTorch runs that check the theorems of :mod:`momcert.theory` on real trajectories.

Nothing heavy is imported here: ``momcert check`` and ``momcert nesterov`` must start without importing torch.
Import the submodules you need, e.g. ``from momcert.numerics.optim import Framework``.
"""
