#!/usr/bin/env bash
# Pack the app bundle built by `pyinstaller invoicedesk.spec` into a read-only, compressed
# disk image: the app beside a link to /Applications, so users install by dragging.
# Only macOS's own tools: hdiutil, ditto, PlistBuddy, and codesign/xcrun when signing.
#
#   packaging/macos/make_dmg.sh dist/InvoiceDesk.app release/InvoiceDesk-0.1.0.dmg
#
# scripts/build_release.py runs it. Optional environment:
#   CODESIGN_IDENTITY  a "Developer ID Application: …" identity in the keychain: signs the
#                      app (hardened runtime, secure timestamp) and the image
#   NOTARY_PROFILE     a notarytool keychain profile (xcrun notarytool store-credentials):
#                      notarizes the image and staples the ticket to it; needs the signature
set -euo pipefail

prog=$(basename "$0")
die() {
    echo "$prog: $*" >&2
    exit 1
}

if [ $# -ne 2 ]; then
    echo "usage: $prog APP_PATH OUT_DMG   (e.g. dist/InvoiceDesk.app release/InvoiceDesk-0.1.0.dmg)" >&2
    exit 2
fi
app=${1%/}
out=$2

[ "$(uname -s)" = Darwin ] || die "disk images can only be made on macOS (this is $(uname -s))"
if [ ! -d "$app" ]; then
    die "$app is missing; build it first: pyinstaller invoicedesk.spec"
fi
if [ ! -f "$app/Contents/Info.plist" ]; then
    die "$app is not an app bundle (no Contents/Info.plist)"
fi
case $out in
    *.dmg) ;;
    *) die "OUT_DMG must end in .dmg (hdiutil would add it): $out" ;;
esac
codesign_identity=${CODESIGN_IDENTITY:-}
notary_profile=${NOTARY_PROFILE:-}
if [ -n "$notary_profile" ] && [ -z "$codesign_identity" ]; then
    die "NOTARY_PROFILE is set but CODESIGN_IDENTITY is not: Apple notarizes signed apps only"
fi

version=$(/usr/libexec/PlistBuddy -c 'Print CFBundleShortVersionString' "$app/Contents/Info.plist") ||
    die "$app/Contents/Info.plist has no CFBundleShortVersionString"
volume="InvoiceDesk $version"

stage=$(mktemp -d "${TMPDIR:-/tmp}/invoicedesk-dmg.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# ditto keeps what cp may lose in a bundle: symlinks in frameworks, extended attributes,
# and the existing (ad-hoc) signatures. Signing the copy leaves dist/ as PyInstaller made it.
echo "Staging $app"
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"

if [ -n "$codesign_identity" ]; then
    echo "Signing the app as $codesign_identity"
    # Hardened runtime and a secure timestamp are what notarization requires.
    codesign --force --deep --options runtime --timestamp --sign "$codesign_identity" \
        "$stage/$(basename "$app")"
    codesign --verify --deep --strict --verbose=2 "$stage/$(basename "$app")"
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
echo "Creating $out (volume \"$volume\")"
# UDZO: zlib-compressed and read-only, opens on every macOS. hdiutil now and then fails
# with "Resource busy" when Spotlight or an antivirus looks at the new volume: try again.
for attempt in 1 2 3; do
    if hdiutil create -volname "$volume" -srcfolder "$stage" -ov -format UDZO \
        -imagekey zlib-level=9 "$out"; then
        break
    fi
    [ "$attempt" -lt 3 ] || die "hdiutil create failed three times"
    echo "hdiutil create failed; trying again in 5 s" >&2
    sleep 5
done

if [ -n "$codesign_identity" ]; then
    echo "Signing the disk image"
    codesign --force --timestamp --sign "$codesign_identity" "$out"
fi

if [ -n "$notary_profile" ]; then
    echo "Notarizing (this waits for Apple's answer, usually a few minutes)"
    log="$stage/notarytool.log"
    xcrun notarytool submit "$out" --keychain-profile "$notary_profile" --wait | tee "$log"
    grep -q "status: Accepted" "$log" ||
        die "notarization was not accepted; see: xcrun notarytool log <id> --keychain-profile $notary_profile"
    # The ticket travels with the image, so Gatekeeper needs no network on first open.
    xcrun stapler staple "$out"
    xcrun stapler validate "$out"
else
    echo
    echo "Note: $out is not notarized, so Gatekeeper blocks the app the first time."
    echo "Users open it once with right-click (Control-click) on InvoiceDesk → Open;"
    echo "on macOS 15 and later: try to open it, then System Settings → Privacy & Security"
    echo "→ Open Anyway. Set CODESIGN_IDENTITY and NOTARY_PROFILE for a release."
fi

echo "Built $out"
