#!/usr/bin/env python3
"""Boot Numbat in QEMU: a thin wrapper; everything lives in numbat_boot.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numbat_boot  # noqa: E402

if __name__ == "__main__":
    sys.exit(numbat_boot.main())
