#!/bin/sh
# SPDX-License-Identifier: ISC
# STUB: being written.
exit 77
