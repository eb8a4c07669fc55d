"""What the demo company sells and writes: products, texts, payment habits, its own profile."""

from __future__ import annotations

from invoicedesk.services.inputs import PaymentMethod

# --------------------------------------------------------------------------- products
# (name, unit, price in EUR, basis, tax rate, category, kind, description)
PRODUCTS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("Beratung", "h", "115.00", "net", "19", "S", "service",
     "Abrechnung nach Aufwand, je angefangene Viertelstunde"),
    ("Softwareentwicklung", "h", "98.00", "net", "19", "S", "service", ""),
    ("Projektleitung", "h", "125.00", "net", "19", "S", "service", ""),
    ("UX- und Oberflächendesign", "h", "92.00", "net", "19", "S", "service", ""),
    ("Datenbankadministration", "h", "105.00", "net", "19", "S", "service", ""),
    ("Vor-Ort-Einsatz (Tagessatz)", "Tag", "880.00", "net", "19", "S", "service",
     "8 Stunden inkl. Pausen"),
    ("Workshop (halbtägig)", "Pauschale", "640.00", "net", "19", "S", "service", ""),
    ("Wartungsvertrag Basis", "Monat", "149.00", "net", "19", "S", "service",
     "Updates, Monitoring, 2 h Support"),
    ("Wartungsvertrag Premium", "Monat", "390.00", "net", "19", "S", "service",
     "Updates, Monitoring, 8 h Support, Reaktionszeit 4 h"),
    ("Hosting & Betrieb", "Monat", "59.00", "net", "19", "S", "service", ""),
    ("Einrichtung Arbeitsplatz", "Pauschale", "180.00", "net", "19", "S", "service", ""),
    ("Fahrtkosten", "km", "0.30", "net", "19", "S", "travel", ""),
    ("Reisezeit", "h", "55.00", "net", "19", "S", "travel", ""),
    ("Express-Zuschlag", "Pauschale", "75.00", "net", "19", "S", "service", ""),
    ("USB-C-Dockingstation", "Stk.", "189.00", "net", "19", "S", "goods", ""),
    ('Monitor 27" WQHD', "Stk.", "329.00", "net", "19", "S", "goods", ""),
    ("Funktastatur, deutsches Layout (QWERTZ)", "Stk.", "49.90", "net", "19", "S", "goods", ""),
    ("Netzwerkkabel Cat. 6, 5 m", "Stk.", "7.90", "net", "19", "S", "goods", ""),
    ("SSD 1 TB", "Stk.", "84.90", "net", "19", "S", "goods", ""),
    ("Webcam Full HD", "Stk.", "59.00", "net", "19", "S", "goods", ""),
    ("Headset mit Geräuschunterdrückung", "Stk.", "129.00", "net", "19", "S", "goods", ""),
    ("Druckerpapier A4, 500 Blatt", "Pack", "5.49", "net", "19", "S", "goods", ""),
    ("Software-Lizenz Büro-Suite (1 Jahr)", "Lizenz", "99.00", "net", "19", "S", "goods", ""),
    ("Fachbuch „Python für Praktiker“", "Stk.", "39.90", "gross", "7", "S", "book",
     "3. Auflage, 512 Seiten"),
    ("Fachbuch „Datenbanken verstehen“", "Stk.", "44.00", "gross", "7", "S", "book", ""),
    ("Handbuch „Rechnungen richtig schreiben“", "Stk.", "29.80", "gross", "7", "S", "book", ""),
    ("E-Book „Sicher im Netz“", "Stk.", "19.99", "gross", "7", "S", "book", "PDF und EPUB"),
    ("Fachzeitschrift „Code & Café“, Jahresabo", "Abo", "89.00", "gross", "7", "S", "book", ""),
    ("Kaffee „Espresso Crème“, Bohnen 1 kg", "Pack", "23.90", "gross", "7", "S", "book", ""),
    ("Seminar „Buchhaltung kompakt“ (umsatzsteuerfrei nach § 4 Nr. 21 UStG)", "Teilnehmer",
     "450.00", "net", "0", "E", "exempt", "Zwei Tage, inkl. Unterlagen"),
    ("Online-Kurs Datenschutz (umsatzsteuerfrei nach § 4 Nr. 21 UStG)", "Teilnehmer",
     "190.00", "net", "0", "E", "exempt", ""),
    ("Geräteversicherung (steuerfrei nach § 4 Nr. 10 UStG)", "Jahr", "79.00", "net", "0", "E",
     "exempt", ""),
    ("Prüfungsgebühr (durchlaufender Posten)", "Stk.", "120.00", "net", "0", "O", "passthrough",
     ""),
)  # fmt: skip
# What each kind of client buys: (product kind, weight).
PROFILES: dict[str, tuple[tuple[str, int], ...]] = {
    "services": (("service", 82), ("travel", 12), ("goods", 5), ("exempt", 1)),
    "goods": (("goods", 75), ("service", 15), ("travel", 5), ("book", 5)),
    "books": (("book", 88), ("goods", 10), ("exempt", 2)),
    "training": (("exempt", 30), ("service", 35), ("book", 25), ("travel", 7), ("passthrough", 3)),
    "consumer": (("book", 60), ("goods", 34), ("exempt", 6)),
}
FREE_LINES = (
    "Sonderleistung nach Vereinbarung",
    "Anpassung Schnittstelle",
    "Materialkosten",
    "Datenrettung",
    "Einweisung vor Ort",
)
PROJECTS = (
    "Website-Relaunch", "Wartung", "Schulung", "Hardware-Lieferung", "Buchbestellung",
    "IT-Sicherheitsaudit", "Datenbank-Migration", "Projekt Nordlicht", "Support",
    "Ladenlokal Südstadt", "Messeauftritt",
)  # fmt: skip
# Labels and line descriptions in the client's language. (Title, intro and note are the
# app's default texts in the document language: services.document_texts.)
TEXTS = {
    "de": {
        "order": "Bestellung {n}",
        "period": "Leistungszeitraum {month}",
    },
    "fr": {
        "order": "Commande n° {n}",
        "period": "Période : {month}",
    },
    "en": {
        "order": "PO {n}",
        "period": "Service period {month}",
    },
}
CHARGE_REASONS = {"de": "Versandkosten", "fr": "Frais de port", "en": "Shipping"}
ALLOWANCE_REASONS = {"de": "Treuerabatt", "fr": "Remise fidélité", "en": "Loyalty discount"}
# Line count 1..8, averaging about five.
LINE_COUNT_WEIGHTS = (4, 6, 9, 12, 14, 13, 11, 9)
METHODS = (
    PaymentMethod.BANK_TRANSFER,
    PaymentMethod.PAYPAL,
    PaymentMethod.CARD,
    PaymentMethod.CASH,
    PaymentMethod.DIRECT_DEBIT,
    PaymentMethod.OTHER,
)
ORG_METHOD_WEIGHTS = (86, 4, 3, 1, 4, 2)
PERSON_METHOD_WEIGHTS = (45, 25, 15, 10, 3, 2)
# Payer behaviour: (name, weight).
PAYERS = (("prompt", 35), ("normal", 33), ("late", 20), ("bad", 5), ("debit", 7))

COMPANY = {
    "name": "Brückner & Söhne Softwarehaus GmbH",
    "street": "Lange Straße 47",
    "zip": "04103",
    "city": "Leipzig",
    "country": "DE",
    "email": "rechnung@brueckner-software.example",
    "phone": "+49 341 5550123",
    "website": "https://brueckner-software.example",
    "tax_number": "231/107/01234",
    "registration": "Amtsgericht Leipzig, HRB 31415",
    "managing_director": "Katrin Brückner, Jörg Brückner",
    "bank_name": "Musterbank Leipzig",
    "bic": "MUSTDE8LXXX",
    "currency": "EUR",
    "language": "de",
}
