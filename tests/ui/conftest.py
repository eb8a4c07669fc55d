"""GUI tests run headless: the offscreen platform is chosen before Qt starts."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
