#!/bin/sh
# Install InvoiceDesk from this unpacked folder for the current user (or, run as root with
# --system, for everyone): the program folder, a menu entry, the icon and the
# `invoicedesk` command. Running it again updates an existing installation.
#
#   ./install.sh            → ~/.local/opt/InvoiceDesk, ~/.local/bin/invoicedesk
#   sudo ./install.sh --system → /opt/InvoiceDesk, /usr/local/bin/invoicedesk
#
# Your invoices are not in this folder (they live in ~/.local/share/InvoiceDesk) and are
# never touched by installing, updating or uninstall.sh.
set -eu

APP_ID=org.invoicedesk.InvoiceDesk
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = "--system" ]; then
    prefix=/opt/InvoiceDesk
    bin_dir=/usr/local/bin
    share=/usr/local/share
else
    data_home=${XDG_DATA_HOME:-$HOME/.local/share}
    prefix=$HOME/.local/opt/InvoiceDesk
    bin_dir=$HOME/.local/bin
    share=$data_home
fi

for file in InvoiceDesk invoicedesk _internal; do
    if [ ! -e "$here/$file" ]; then
        echo "install.sh: $here/$file is missing; unpack the whole archive first" >&2
        exit 1
    fi
done

echo "Installing InvoiceDesk into $prefix"
mkdir -p "$prefix.new"
cp -R "$here/." "$prefix.new/"
rm -rf "$prefix.old"
if [ -e "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"

mkdir -p "$bin_dir"
ln -sf "$prefix/invoicedesk" "$bin_dir/invoicedesk"

for size in 16 24 32 48 64 128 256 512; do
    icon_dir="$share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$icon_dir"
    cp "$prefix/icons/invoicedesk-$size.png" "$icon_dir/$APP_ID.png"
done

mkdir -p "$share/applications"
sed "s|^Exec=.*|Exec=\"$prefix/InvoiceDesk\"|" "$prefix/$APP_ID.desktop" \
    > "$share/applications/$APP_ID.desktop"

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
fi

echo "Done. Start InvoiceDesk from your applications menu, or run: $prefix/InvoiceDesk"
case ":$PATH:" in
    *":$bin_dir:"*) echo "The command line: invoicedesk --help" ;;
    *) echo "The command line: $bin_dir/invoicedesk --help ($bin_dir is not on your PATH)" ;;
esac
