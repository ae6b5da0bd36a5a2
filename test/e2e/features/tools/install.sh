#!/bin/sh
set -e
echo "tools $WITH_EXTRAS" >>/opt/feature-order
