#!/bin/sh
# Lint: banned calls (matrix M07, the house style's banned list) and cppcheck.
set -eu
cd "$(dirname "$0")/.."
banned='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets|system|popen|htmlReadFile|htmlParseFile|htmlParseChunk|agstrdup_html)\s*\(|XML_PARSE_HUGE|VERIFYPEER, *0'
if grep -nE "$banned" crawler/*.c graph/*.c cli/*.c include/blogmap/*.h; then
    echo "lint: banned call found" >&2
    exit 1
fi
if command -v cppcheck >/dev/null 2>&1; then
    cppcheck -q --error-exitcode=1 --enable=warning,portability,performance \
        --inline-suppr --suppress=missingIncludeSystem -Iinclude crawler graph cli
fi
echo "lint ok"
