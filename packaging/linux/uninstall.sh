#!/bin/sh
# Remove what install.sh installed (add --system for the system-wide installation).
# Your data (~/.local/share/InvoiceDesk: the database, archived PDFs) and your settings stay.
set -eu

APP_ID=org.invoicedesk.InvoiceDesk
if [ "${1:-}" = "--system" ]; then
    prefix=/opt/InvoiceDesk
    bin_dir=/usr/local/bin
    share=/usr/local/share
else
    prefix=$HOME/.local/opt/InvoiceDesk
    bin_dir=$HOME/.local/bin
    share=${XDG_DATA_HOME:-$HOME/.local/share}
fi

rm -rf "$prefix"
if [ -L "$bin_dir/invoicedesk" ]; then rm -f "$bin_dir/invoicedesk"; fi
rm -f "$share/applications/$APP_ID.desktop"
for size in 16 24 32 48 64 128 256 512; do
    rm -f "$share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
echo "InvoiceDesk is removed. Your invoices and settings are kept."
