#!/bin/sh
mkdir -p /opt/lint
echo "$STRICT" > /opt/lint/strict
