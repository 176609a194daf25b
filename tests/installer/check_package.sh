#!/usr/bin/env bash
# Builds the DEB with CPack and checks that it carries every file a user needs
# and declares its Debian dependencies.
set -euo pipefail
build=${1:?usage: check_package.sh BUILD_DIR}
cd "$build"
rm -rf package
cpack -G DEB >cpack.log 2>&1 || { cat cpack.log; exit 1; }
deb=$(ls package/spindle_*.deb | head -n 1)
[ -f "$deb" ] || { echo "no package produced in $build/package"; exit 1; }
listing=$(dpkg-deb -c "$deb")
fail=0
for path in ./usr/bin/spindle ./usr/libexec/spindle/spindle-worker \
            ./usr/share/applications/spindle.desktop \
            ./usr/share/metainfo/io.spindle.Spindle.metainfo.xml \
            ./usr/share/icons/hicolor/scalable/apps/spindle.svg; do
  if ! grep -q " $path\$" <<<"$listing"; then
    echo "missing from $deb: $path"; fail=1
  fi
done
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libqt6widgets6 libqt6core6 libqcustomplot2.1-qt6; do
  grep -q "$dep" <<<"$depends" || { echo "Depends lacks $dep: $depends"; fail=1; }
done
# Nothing from the build tree (tests, benchmarks) may be packaged.
if grep -Eq '_tests|bench' <<<"$listing"; then echo "test or bench binaries packaged"; fail=1; fi
[ "$fail" = 0 ] && echo "package ok: $deb ($(grep -c '^' <<<"$listing") entries)"
exit $fail
