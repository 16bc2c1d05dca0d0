#!/usr/bin/env python3
"""Kembar's command line: python build.py [build|check|serve|new|i18n] --help"""
import sys

from kembar.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
