"""Realistic, reproducible demo data: a German small business, its clients, two years of invoices.

:func:`generate_demo` fills an empty database with a company profile (if none is
set), clients, products and invoices in every state: drafts, open, overdue,
partly paid, paid, cancelled, and credit notes. The same ``seed`` and ``today``
give the same data.

Every figure comes from the same rules the services apply: totals from
:func:`~invoicedesk.core.totals.compute_totals`, statuses from
:func:`~invoicedesk.core.lifecycle.status_after_payment`, numbers from the
configured patterns, gapless per type and period and in date order, with the
``number_sequences`` rows left where the services continue. Credit notes settle
what is open on the invoice they correct like issuing one in the app does.

To manage 100,000 invoices in well under a minute the rows are not written
through the per-invoice services: they are built as plain dicts and inserted
with SQLAlchemy Core ``executemany`` in batches, inside one write transaction
(a cancelled or failed run leaves nothing behind).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import json
import operator
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from random import Random
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Dialect, Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, Status, status_after_payment
from invoicedesk.core.money import minor_unit, plain, round_money
from invoicedesk.core.numbering import format_number, period_key
from invoicedesk.core.totals import Totals, compute_totals
from invoicedesk.db.engine import Database
from invoicedesk.db.models import (
    Base,
    Client,
    CompanyProfile,
    Invoice,
    NumberSequence,
    Product,
    Tag,
)
from invoicedesk.db.models.client import tag_key
from invoicedesk.db.types import ExactDecimal, UTCDateTime
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.invoices import credit_note_intro
from invoicedesk.services.numbering import pattern_for
from invoicedesk.services.settings import company_profile, get_setting, load_company

__all__ = ["BATCH_SIZE", "DemoCancelled", "DemoSummary", "generate_demo"]

BATCH_SIZE = 2_000  # invoices per executemany batch (and per progress report)
MAX_INVOICES = 1_000_000
MAX_CLIENTS = 100_000
ACTOR = "demo"
HISTORY_DAYS = 730  # about two years up to ``today``

D = Decimal
ZERO = D(0)
ONE = D(1)
CENT = D("0.01")
PRICE_QUANTUM = D("0.0001")


class DemoCancelled(Exception):
    """The caller's ``cancelled()`` said stop; the transaction was rolled back."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`generate_demo` created."""

    clients: int
    products: int
    invoices: int  # including drafts, excluding credit notes
    credit_notes: int
    payments: int  # including settlements by credit note and refunds


# =========================================================================== names and places

# (first names, surnames) per country; umlauts, accents and apostrophes on purpose.
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "DE": (
        "Jürgen",
        "Jörg",
        "Günther",
        "Sönke",
        "Björn",
        "Anja",
        "Katrin",
        "Sabine",
        "Lena",
        "Maximilian",
        "Lukas",
        "Jonas",
        "Mia",
        "Hannah",
        "Sophie",
        "Özlem",
        "Ümit",
        "Frauke",
        "Henrike",
        "Ole",
        "Käthe",
        "Till",
        "Mareike",
        "Dirk",
        "Büşra",
        "Tobias",
        "Ines",
    ),
    "AT": (
        "Florian",
        "Valentina",
        "Matthias",
        "Theresa",
        "Elisabeth",
        "Lorenz",
        "Magdalena",
        "Stefan",
        "Johanna",
        "Andrä",
        "Veronika",
        "Clemens",
    ),
    "CH": (
        "Reto",
        "Urs",
        "Beat",
        "Corinne",
        "Nadja",
        "Seraina",
        "Gian-Luca",
        "Mélanie",
        "Jürg",
        "Nicole",
        "Res",
        "Ladina",
    ),
    "FR": (
        "Amélie",
        "Hélène",
        "Zoé",
        "François",
        "Jérôme",
        "Mathéo",
        "Noémie",
        "Céline",
        "Loïc",
        "Gaëlle",
        "Anaïs",
        "Benoît",
        "Clément",
        "Maëlys",
    ),
    "GB": (
        "Oliver",
        "Charlotte",
        "Harry",
        "Amelia",
        "Siobhan",
        "Niamh",
        "George",
        "Priya",
        "Rhys",
        "Imogen",
        "Callum",
        "Saoirse",
    ),
    "US": (
        "Ethan",
        "Madison",
        "José",
        "Chloe",
        "Tyler",
        "Aaliyah",
        "Brandon",
        "Mei",
        "DeShawn",
        "Hannah",
        "Luis",
        "Brooke",
    ),
}
SURNAMES: dict[str, tuple[str, ...]] = {
    "DE": (
        "Müller",
        "Schröder",
        "Schäfer",
        "Köhler",
        "Weiß",
        "Groß",
        "Krüger",
        "Hoffmann",
        "Fischer",
        "Wagner",
        "Becker",
        "Schulz",
        "Braun",
        "Zimmermann",
        "Wölfel",
        "Böhm",
        "Lührs",
        "Jäger",
        "Voß",
        "Kößler",
        "Dreßler",
        "Öztürk",
        "Yılmaz",
        "Hübner",
        "Pöhlmann",
        "Brückner",
        "Meyer-Lüdenscheidt",
        "von der Heydt",
        "Große-Kämper",
        "Nußbaum",
    ),
    "AT": (
        "Gruber",
        "Huber",
        "Pichler",
        "Moser",
        "Steiner",
        "Hofer",
        "Leitner",
        "Egger",
        "Wimmer",
        "Brunner",
        "Pöschl",
        "Größbacher",
        "Aigner",
        "Strauß",
    ),
    "CH": (
        "Meier",
        "Keller",
        "Baumann",
        "Frei",
        "Gerber",
        "Brändli",
        "Zürcher",
        "Dubach",
        "Müller",
        "Schnyder",
        "Wüthrich",
        "Rüegg",
        "Favre",
        "Bühler",
    ),
    "FR": (
        "Dubois",
        "Lefèvre",
        "Moreau",
        "Girard",
        "Lemaître",
        "Rousseau",
        "Garçon",
        "Fabre",
        "Bénard",
        "Noël",
        "Chevalier",
        "Lefébure",
        "Després",
        "Mercier",
    ),
    "GB": (
        "Smith",
        "Thompson",
        "O'Brien",
        "Walsh",
        "Hughes",
        "Patel",
        "Clarke",
        "Evans",
        "McAllister",
        "Davies",
        "Ó Súilleabháin",
        "Whitfield",
    ),
    "US": (
        "Johnson",
        "Miller",
        "Rodríguez",
        "Nguyen",
        "Kowalski",
        "Anderson",
        "García",
        "Washington",
        "O'Connor",
        "Peña",
        "Schmidt",
        "Ramírez",
    ),
}
# Organisation names: {s}/{t} surnames, {c} the city.
ORG_PATTERNS: dict[str, tuple[str, ...]] = {
    "DE": (
        "{s} GmbH",
        "{s} & {t} GmbH & Co. KG",
        "Bäckerei {s}",
        "{s} Software GmbH",
        "Autohaus {s}",
        "Ingenieurbüro {s}",
        "{s} Metallbau e. K.",
        "Praxis Dr. {s}",
        "{s} Immobilien GmbH",
        "Steuerkanzlei {s} & Partner",
        "Gärtnerei {s}",
        "Stadtwerke {c} GmbH",
        "Kulturverein {c} e. V.",
        "Buchhandlung {s}",
        "{s} Logistik AG",
        "Elektro {s} GmbH",
        "Architekturbüro {s} + {t}",
        "{s} Druck & Medien GmbH",
        "Wohnbau {c} eG",
        "Volkshochschule {c}",
        "Zahnarztpraxis {s}",
        "Café {s}",
    ),
    "AT": (
        "{s} GesmbH",
        "{s} & Partner OG",
        "Tischlerei {s}",
        "Gasthof {s}",
        "{s} Holzbau GmbH",
        "Weingut {s}",
        "Kanzlei {s} Rechtsanwälte",
        "Ordination Dr. {s}",
        "{s} Bau GmbH",
    ),
    "CH": (
        "{s} AG",
        "{s} Treuhand GmbH",
        "Schreinerei {s}",
        "{s} & Cie SA",
        "Garage {s} AG",
        "Confiserie {s}",
        "{s} Informatik GmbH",
        "Stiftung Kunsthaus {c}",
    ),
    "FR": (
        "{s} SARL",
        "Atelier {s}",
        "Boulangerie {s}",
        "Éditions {s}",
        "{s} & Fils SAS",
        "Cabinet {s}",
        "Librairie {s}",
        "Hôtel du Marché {c}",
    ),
    "GB": (
        "{s} Ltd",
        "{s} & {t} LLP",
        "{s} Consulting Ltd",
        "{s} Bookshop",
        "{c} Analytics Ltd",
        "The {s} Partnership",
        "{s} Engineering plc",
    ),
    "US": (
        "{s} Inc.",
        "{s} Labs LLC",
        "{s} & Co.",
        "{c} Software Corp.",
        "{s} Design Studio LLC",
        "{s} Family Dental PC",
    ),
}
# (zip, city, region, phone prefix) per country.
CITIES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "DE": (
        ("10115", "Berlin", "", "+49 30"),
        ("20095", "Hamburg", "", "+49 40"),
        ("80331", "München", "", "+49 89"),
        ("50667", "Köln", "", "+49 221"),
        ("60311", "Frankfurt am Main", "", "+49 69"),
        ("70173", "Stuttgart", "", "+49 711"),
        ("04109", "Leipzig", "", "+49 341"),
        ("01067", "Dresden", "", "+49 351"),
        ("90402", "Nürnberg", "", "+49 911"),
        ("79098", "Freiburg im Breisgau", "", "+49 761"),
        ("48143", "Münster", "", "+49 251"),
        ("28195", "Bremen", "", "+49 421"),
        ("30159", "Hannover", "", "+49 511"),
        ("97070", "Würzburg", "", "+49 931"),
        ("24103", "Kiel", "", "+49 431"),
        ("37073", "Göttingen", "", "+49 551"),
        ("86150", "Augsburg", "", "+49 821"),
        ("99084", "Erfurt", "", "+49 361"),
        ("18055", "Rostock", "", "+49 381"),
        ("66111", "Saarbrücken", "", "+49 681"),
    ),
    "AT": (
        ("1010", "Wien", "", "+43 1"),
        ("8010", "Graz", "", "+43 316"),
        ("4020", "Linz", "", "+43 732"),
        ("5020", "Salzburg", "", "+43 662"),
        ("6020", "Innsbruck", "", "+43 512"),
        ("9020", "Klagenfurt am Wörthersee", "", "+43 463"),
    ),
    "CH": (
        ("8001", "Zürich", "ZH", "+41 44"),
        ("3011", "Bern", "BE", "+41 31"),
        ("4051", "Basel", "BS", "+41 61"),
        ("1204", "Genève", "GE", "+41 22"),
        ("6003", "Luzern", "LU", "+41 41"),
        ("9000", "St. Gallen", "SG", "+41 71"),
    ),
    "FR": (
        ("75011", "Paris", "", "+33 1"),
        ("69002", "Lyon", "", "+33 4"),
        ("13001", "Marseille", "", "+33 4"),
        ("67000", "Strasbourg", "", "+33 3"),
        ("31000", "Toulouse", "", "+33 5"),
        ("33000", "Bordeaux", "", "+33 5"),
    ),
    "GB": (
        ("EC1A 1BB", "London", "", "+44 20"),
        ("M1 1AE", "Manchester", "", "+44 161"),
        ("EH1 1YZ", "Edinburgh", "Scotland", "+44 131"),
        ("BS1 4DJ", "Bristol", "", "+44 117"),
        ("CB2 1TN", "Cambridge", "", "+44 1223"),
    ),
    "US": (
        ("10001", "New York", "NY", "+1 212"),
        ("94103", "San Francisco", "CA", "+1 415"),
        ("60601", "Chicago", "IL", "+1 312"),
        ("78701", "Austin", "TX", "+1 512"),
        ("98101", "Seattle", "WA", "+1 206"),
        ("02108", "Boston", "MA", "+1 617"),
    ),
}
STREETS: dict[str, tuple[str, ...]] = {
    "DE": (
        "Hauptstraße",
        "Bahnhofstraße",
        "Schillerstraße",
        "Goethestraße",
        "Lindenallee",
        "Am Mühlbach",
        "Königsweg",
        "Gartenstraße",
        "Friedrich-Ebert-Straße",
        "Schloßplatz",
        "Große Ulrichstraße",
        "Im Grünen Winkel",
        "Rosenstraße",
        "Münzgasse",
    ),
    "AT": ("Mariahilfer Straße", "Herrengasse", "Landstraße", "Getreidegasse", "Annenstraße"),
    "CH": ("Bahnhofstrasse", "Seestrasse", "Rue du Rhône", "Marktgasse", "Zürichstrasse"),
    "FR": (
        "rue de la République",
        "avenue Jean-Jaurès",
        "boulevard Saint-Michel",
        "rue des Écoles",
        "place du Général-de-Gaulle",
        "rue Émile-Zola",
    ),
    "GB": ("High Street", "Church Road", "Victoria Road", "King's Parade", "Station Road"),
    "US": ("Main Street", "Oak Avenue", "Market Street", "Fifth Avenue", "Elm Street"),
}
LANGUAGES = {"DE": "de", "AT": "de", "CH": "de", "FR": "fr", "GB": "en", "US": "en"}
COUNTRY_WEIGHTS = (("DE", 60), ("AT", 12), ("CH", 8), ("FR", 7), ("GB", 7), ("US", 6))
# Share of organisations in these countries that are billed in their own currency.
LOCAL_CURRENCY = {"CH": ("CHF", 0.6), "GB": ("GBP", 0.7), "US": ("USD", 0.8)}
# Company currency units per unit of each currency (a rough level; drifts by month).
EUR_PER_UNIT = {"EUR": D(1), "CHF": D("1.0480"), "USD": D("0.9150"), "GBP": D("1.1720")}
EU_COUNTRIES = frozenset({"DE", "AT", "FR"})

CONTACT_ROLES = {
    "de": ("Geschäftsführung", "Buchhaltung", "Einkauf", "Projektleitung", "IT-Leitung"),
    "fr": ("Direction", "Comptabilité", "Achats", "Chef de projet"),
    "en": ("Managing Director", "Accounts Payable", "Procurement", "Head of IT"),
}
BILLING_LOCALS = {
    "de": ("rechnung", "buchhaltung", "rechnungseingang", "info"),
    "fr": ("factures", "comptabilite", "contact"),
    "en": ("accounts", "invoices", "billing", "office"),
}
CLIENT_TAGS = ("Stammkunde", "VIP", "Öffentliche Hand", "Neukunde", "Wiederverkäufer", "Export")
INVOICE_TAGS = (
    "Wartung",
    "Projekt Nordlicht",
    "Messe 2025",
    "Priorität",
    "Rahmenvertrag",
    "Förderung",
    "Café Süd",
    "Rückfrage",
    "Schulung",
    "Relaunch",
)
CLIENT_NOTES = (
    "Rechnungen nur per E-Mail.",
    "Bestellnummer auf jeder Rechnung angeben.",
    "Ansprechpartnerin bevorzugt Anrufe vormittags.",
    "Lieferung nur Mo–Fr, Warenannahme bis 15 Uhr.",
    "Rahmenvertrag bis Jahresende, Stundensatz vereinbart.",
)

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
TEXTS = {
    "de": {
        "title": "Rechnung",
        "intro": "Vielen Dank für Ihren Auftrag. Wir berechnen Ihnen folgende Leistungen:",
        "note": "Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum.",
        "cash": "Bei Zahlung innerhalb von {days} Tagen gewähren wir {rate} % Skonto.",
        "order": "Bestellung {n}",
        "period": "Leistungszeitraum {month}",
    },
    "fr": {
        "title": "Facture",
        "intro": "Nous vous remercions de votre commande. Veuillez trouver ci-dessous :",
        "note": "Merci de régler le montant avant l’échéance.",
        "cash": "Escompte de {rate} % pour paiement sous {days} jours.",
        "order": "Commande n° {n}",
        "period": "Période : {month}",
    },
    "en": {
        "title": "Invoice",
        "intro": "Thank you for your order. We invoice you as follows:",
        "note": "Please pay the amount due by the due date.",
        "cash": "{rate} % cash discount if paid within {days} days.",
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


# =========================================================================== small helpers


def _slug(text: str) -> str:
    """ASCII for e-mail addresses: Müller & Söhne → mueller-soehne."""
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_).replace(umlaut.upper(), ascii_.capitalize())
    plain_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain_text.lower()).split()
    stop = {"gmbh", "ag", "kg", "co", "e", "k", "v", "eg", "sa", "sarl", "sas", "ltd", "llp", "inc"}
    kept = [w for w in words if w not in stop] or words
    return "-".join(kept[:3]) or "kunde"


def _de_vat_id(digits: str) -> str:
    """A German VAT id with a correct check digit (ISO 7064 MOD 11,10)."""
    product = 10
    for char in digits:
        total = (int(char) + product) % 10 or 10
        product = (2 * total) % 11
    check = 11 - product
    return f"DE{digits}{0 if check == 10 else check}"


def _fr_vat_id(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits (ISO 13616, mod 97)."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def _digits(rng: Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def _weighted(rng: Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


class _Stamp(str):
    """A UTC timestamp already in the text form :class:`~invoicedesk.db.types.UTCDateTime`
    stores ("2026-03-16T07:05:00.000000+00:00"); formatting it here is much cheaper."""


def _stamp(date: dt.date, minute: int) -> _Stamp:
    """A UTC timestamp on ``date``, ``minute`` minutes after 07:00 (capped to the day)."""
    hour, minute = divmod(7 * 60 + min(max(minute, 0), 16 * 60), 60)
    return _Stamp(f"{date.isoformat()}T{hour:02d}:{minute:02d}:00.000000+00:00")


# =========================================================================== plans


@dataclass(slots=True)
class _ProductPlan:
    id: int
    number: str
    name: str
    unit: str
    price: Decimal  # in the company currency, on ``basis``
    basis: str
    rate: Decimal
    category: TaxCategory
    kind: str
    description: str


@dataclass(slots=True)
class _ClientPlan:
    id: int
    number: str
    name: str
    kind: str
    country: str
    language: str
    currency: str | None  # None: the company currency
    due_days: int | None
    tax_mode: str  # domestic, eu (reverse charge / intra-EU), export
    profile: str
    payer: str
    gross: bool  # invoiced on gross prices (consumers)
    method: PaymentMethod
    snapshot: _Json  # as services.invoices._client_snapshot makes it
    cash_discount: bool


@dataclass(slots=True)
class _Action:
    """Something that happens to an issued document after its issue, in date order."""

    date: dt.date
    order: int  # same-day order: payments before a credit note
    kind: str  # pay, credit, cancel, refund
    amount: Decimal = ZERO
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    before: str = ""
    after: str = ""


@dataclass(slots=True)
class _CreditPlan:
    """A credit note waiting for its date, so that numbers follow the dates."""

    date: dt.date
    original_id: int
    original_number: str
    client: _ClientPlan
    doc: InvoiceDocument
    totals: Totals
    fields: dict[str, Any]  # the credit note's row fields taken over from the original
    tags: tuple[int, ...]
    offset: Decimal  # settled against the original's open amount
    status: str
    paid_at: dt.date | None
    refund: _Action | None
    followers: list[_Action]  # the original's later payments, written after the credit note


@dataclass(slots=True)
class _Counters:
    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0


@dataclass(slots=True)
class _Batch:
    """Rows waiting for the next executemany, by table."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)


# Insert order: parents before children (foreign keys are checked per statement).
TABLE_ORDER = (
    "tags",
    "products",
    "clients",
    "client_addresses",
    "contact_persons",
    "client_emails",
    "client_tags",
    "invoices",
    "invoice_lines",
    "invoice_allowances_charges",
    "invoice_taxes",
    "invoice_tags",
    "payments",
    "audit_log",
)


class _Json(str):
    """A JSON value serialised once (a client snapshot shared by thousands of invoices)."""


def _scaled(value: Decimal) -> int:
    """What :class:`~invoicedesk.db.types.ExactDecimal` stores: the value in 1/10,000."""
    if not value:
        return 0
    scaled = value.scaleb(4)
    number = int(scaled)
    if number != scaled:
        raise ValueError(f"{value} has more than four decimal places")
    return number


def _stamp_text(process: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, _Stamp):
            return str(value)
        return process(value) if process is not None else value

    return convert


def _json(value: object) -> str:
    return value if isinstance(value, _Json) else json.dumps(value)


class _TableWriter:
    """Plain ``executemany`` of one table's rows, with each column's value bound as SQLAlchemy
    binds it (the column type's bind processor; a faster equivalent for the hot types) and
    a missing value filled with the column's scalar default, as a Core insert would.

    Going through the driver directly instead of ``connection.execute(insert(), rows)``
    halves the time of a 100,000-invoice run: SQLAlchemy's per-row parameter
    handling costs more than SQLite's insert itself.
    """

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.names = [column.name for column in table.columns]
        self.known = frozenset(self.names)
        self.getter = operator.itemgetter(*self.names)
        self.fallbacks: list[tuple[str, Any]] = []
        self.required: set[str] = set()  # callable defaults: the generator must give a value
        for column in table.columns:
            default = column.default
            fallback = None
            if default is not None and getattr(default, "is_scalar", False):
                fallback = getattr(default, "arg", None)
            elif default is not None:
                self.required.add(column.name)
            self.fallbacks.append((column.name, fallback))
        quote = dialect.identifier_preparer.quote
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in self.names)}) "
            f"VALUES ({', '.join('?' for _ in self.names)})"
        )
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for position, column in enumerate(table.columns):
            kind = column.type
            converter: Callable[[Any], Any] | None
            if isinstance(kind, ExactDecimal):
                converter = _scaled
            elif isinstance(kind, JSON):
                converter = _json
            elif isinstance(kind, Date) and not isinstance(kind, DateTime):
                converter = dt.date.isoformat
            elif isinstance(kind, UTCDateTime):
                converter = _stamp_text(kind.bind_processor(dialect))
            else:
                converter = kind.bind_processor(dialect)
            if converter is not None:
                self.converters.append((position, converter))

    def insert(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        given = set(rows[0])
        if given - self.known or self.required - given:
            raise KeyError(
                f"{self.table.name}: unknown columns {sorted(given - self.known)}, "
                f"missing {sorted(self.required - given)}"
            )
        fallbacks, converters, getter = self.fallbacks, self.converters, self.getter
        width = len(fallbacks)
        values = []
        for row in rows:
            if len(row) == width:  # the usual case: every column given
                record = list(getter(row))
            else:
                record = [row.get(name, fallback) for name, fallback in fallbacks]
            for position, convert in converters:
                value = record[position]
                if value is not None:
                    record[position] = convert(value)
            values.append(tuple(record))
        connection.exec_driver_sql(self.sql, values)


def _autoincrement_values(connection: Connection) -> dict[str, int]:
    """The highest id each SQLite AUTOINCREMENT table ever gave out (``sqlite_sequence``)."""
    if connection.dialect.name != "sqlite":
        return {}
    exists = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    ).first()
    if exists is None:
        return {}
    rows = connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")
    return {str(name): int(seq or 0) for name, seq in rows}


class _Sequences:
    """Numbers exactly as :func:`services.numbering.draw_number` gives them, kept in memory."""

    def __init__(self, session: Session) -> None:
        self.patterns = {t: pattern_for(session, t) for t in ("invoice", "credit_note")}
        self.patterns.update({t: pattern_for(session, t) for t in ("client", "product")})
        self.next: dict[tuple[str, str], int] = {}
        self.existing: dict[tuple[str, str], int] = {}
        for row in session.scalars(select(NumberSequence)):
            self.next[(row.doc_type, row.period)] = row.next_value
            self.existing[(row.doc_type, row.period)] = row.next_value

    def draw(self, doc_type: str, date: dt.date, taken: set[str] | None = None) -> str:
        pattern = self.patterns[doc_type]
        key = (doc_type, period_key(pattern, date))
        while True:
            value = self.next.get(key, 1)
            self.next[key] = value + 1
            number = format_number(pattern, date, value)
            if taken is None or number not in taken:
                return number

    def store(self, session: Session) -> None:
        """Leave the sequence rows at the values the next issue draws."""
        rows = {
            (r.doc_type, r.period): r for r in session.scalars(select(NumberSequence))
        }  # fmt: skip
        for key, value in sorted(self.next.items()):
            if self.existing.get(key) == value:
                continue
            row = rows.get(key)
            if row is None:
                session.add(NumberSequence(doc_type=key[0], period=key[1], next_value=value))
            else:
                row.next_value = value
        session.flush()


# =========================================================================== the generator


class _Generator:
    def __init__(
        self,
        session: Session,
        *,
        seed: int,
        today: dt.date,
        clients: int,
        invoices: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.session = session
        self.connection: Connection = session.connection()
        self.rng = Random(seed)
        self.today = today
        self.client_count = clients
        self.invoice_count = invoices
        self.progress = progress
        self.cancelled = cancelled
        self.tables: dict[str, Table] = dict(Base.metadata.tables)
        self.writers = {
            name: _TableWriter(self.tables[name], self.connection.dialect) for name in TABLE_ORDER
        }
        self.batch = _Batch()
        self.counters = _Counters()
        self.next_ids: dict[str, int] = {}
        used = _autoincrement_values(self.connection)
        for name in TABLE_ORDER:
            table = self.tables[name]
            if "id" in table.c:
                top = int(session.scalar(select(func.max(table.c.id))) or 0)
                # An AUTOINCREMENT table never gives out the id of a deleted row again.
                self.next_ids[name] = max(top, used.get(name, 0)) + 1
        self.sequences = _Sequences(session)
        self.default_due_days = int(get_setting(session, "default_due_days"))
        self.pending: list[tuple[dt.date, int, _CreditPlan]] = []  # a heap by date
        self.tag_ids: dict[str, int] = {}
        self.products: list[_ProductPlan] = []
        self.clients: list[_ClientPlan] = []
        self.company_currency = "EUR"
        self.company_snapshot = _Json()
        self.rates: dict[tuple[str, int], Decimal] = {}
        self.by_kind: dict[str, list[_ProductPlan]] = {}
        self.client_cum_weights: list[float] = []
        self.forced: dict[int, str] = {}
        self.profiles = {
            name: ([k for k, _ in mix], list(itertools.accumulate(w for _, w in mix)))
            for name, mix in PROFILES.items()
        }
        self.start = today - dt.timedelta(days=HISTORY_DAYS - 1)

    # ------------------------------------------------------------------ ids and rows

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _audit(
        self,
        at: _Stamp,
        entity: str,
        entity_id: int,
        action: str,
        summary: str,
        from_state: str = "",
        to_state: str = "",
        details: dict[str, object] | None = None,
    ) -> None:
        self.batch.add(
            "audit_log",
            {
                "id": self._id("audit_log"),
                "at": at,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "details": details or {},
                "actor": ACTOR,
                "summary": summary,
            },
        )

    def _check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise DemoCancelled("demo data generation was cancelled; nothing was written")

    def flush(self) -> None:
        """Insert the waiting rows, parents first."""
        rows, self.batch = self.batch.rows, _Batch()
        for name in TABLE_ORDER:
            table_rows = rows.get(name)
            if table_rows:
                self.writers[name].insert(self.connection, table_rows)

    # ------------------------------------------------------------------ company and settings

    def setup_company(self) -> None:
        profile = self.session.get(CompanyProfile, 1)
        if profile is None or not (profile.name or "").strip():
            profile = company_profile(self.session)
            for key, value in COMPANY.items():
                setattr(profile, key, value)
            profile.account_holder = COMPANY["name"]
            profile.vat_id = _de_vat_id("28461739")
            profile.iban = _iban("DE", "86055592" + "0012345678")
            self.session.flush()
        company = load_company(self.session)
        self.company_currency = company.currency
        self.company_snapshot = _Json(json.dumps(company.snapshot()))

    def setup_rates(self) -> None:
        """A monthly exchange rate per foreign currency: a small random walk around a level."""
        base = EUR_PER_UNIT.get(self.company_currency)
        if base is None:
            return
        months = (self.today.year - self.start.year) * 12 + self.today.month - self.start.month
        for currency, level in EUR_PER_UNIT.items():
            if currency == self.company_currency:
                continue
            walk = 0
            for month in range(months + 1):
                walk = max(-400, min(400, walk + self.rng.randint(-60, 60)))
                rate = level / base * (1 + D(walk) / 10_000)
                self.rates[(currency, month)] = rate.quantize(PRICE_QUANTUM, ROUND_HALF_UP)

    def _rate(self, currency: str, date: dt.date) -> Decimal:
        if currency == self.company_currency:
            return ONE
        month = (date.year - self.start.year) * 12 + date.month - self.start.month
        return self.rates[(currency, month)]

    def _tag(self, name: str) -> int:
        key = tag_key(name)
        if key not in self.tag_ids:
            existing = self.session.scalar(select(Tag.id).where(Tag.key == key))
            if existing is not None:
                self.tag_ids[key] = int(existing)
            else:
                tag_id = self._id("tags")
                self.batch.add("tags", {"id": tag_id, "name": name, "key": key})
                self.tag_ids[key] = tag_id
        return self.tag_ids[key]

    # ------------------------------------------------------------------ products

    def make_products(self) -> None:
        taken = set(self.session.scalars(select(Product.number)))
        stamp = _stamp(self.start - dt.timedelta(days=30), 60)
        for name, unit, price, basis, rate, category, kind, description in PRODUCTS:
            number = self.sequences.draw("product", self.today, taken)
            product = _ProductPlan(
                id=self._id("products"),
                number=number,
                name=name,
                unit=unit,
                price=D(price),
                basis=basis,
                rate=D(rate),
                category=TaxCategory(category),
                kind=kind,
                description=description,
            )
            self.products.append(product)
            self.batch.add(
                "products",
                {
                    "id": product.id,
                    "number": number,
                    "name": name,
                    "description": description,
                    "unit": unit,
                    "unit_price": product.price,
                    "price_basis": basis,
                    "tax_rate": product.rate,
                    "tax_category": category,
                    "archived_at": None,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
            self._audit(stamp, "product", product.id, "created", f"Product {number} {name} created")
        for product in self.products:
            self.by_kind.setdefault(product.kind, []).append(product)

    # ------------------------------------------------------------------ clients

    def make_clients(self) -> None:
        rng = self.rng
        names: set[str] = set()
        taken = set(self.session.scalars(select(Client.customer_number)))
        client_tag_ids = [self._tag(t) for t in CLIENT_TAGS]
        for index in range(self.client_count):
            country = _weighted(rng, COUNTRY_WEIGHTS)
            language = LANGUAGES[country]
            zip_code, city, region, phone_prefix = rng.choice(CITIES[country])
            is_person = rng.random() < 0.25
            first = last = ""
            for attempt in range(30):
                if is_person:
                    first = rng.choice(FIRST_NAMES[country])
                    last = rng.choice(SURNAMES[country])
                    name = f"{first} {last}"
                else:
                    pattern = rng.choice(ORG_PATTERNS[country])
                    surname, other = rng.sample(SURNAMES[country], 2)
                    name = pattern.format(s=surname, t=other, c=city)
                if attempt > 20:
                    name = f"{name} ({city})" if attempt < 25 else f"{name} {index + 1}"
                if name.casefold() not in names:
                    break
            names.add(name.casefold())
            currency: str | None = None
            if not is_person and country in LOCAL_CURRENCY:
                code, share = LOCAL_CURRENCY[country]
                if rng.random() < share and (code, 0) in self.rates:
                    currency = code
            if is_person or country == "DE":
                tax_mode = "domestic"
            elif country in EU_COUNTRIES:
                tax_mode = "eu"
            else:
                tax_mode = "export"
            if is_person:
                profile = "consumer"
            else:
                profile = _weighted(
                    rng, (("services", 55), ("goods", 20), ("books", 12), ("training", 13))
                )
            payer = _weighted(rng, PAYERS)
            if payer == "debit" and country not in EU_COUNTRIES | {"CH", "GB"}:
                payer = "normal"
            if payer == "debit":
                method = PaymentMethod.DIRECT_DEBIT
            else:
                weights = PERSON_METHOD_WEIGHTS if is_person else ORG_METHOD_WEIGHTS
                method = rng.choices(METHODS, weights)[0]
                if method is PaymentMethod.DIRECT_DEBIT:
                    method = PaymentMethod.BANK_TRANSFER
            due_days = rng.choice((7, 10, 21, 30, 30, 45, 60)) if rng.random() < 0.25 else None
            number = self.sequences.draw("client", self.today, taken)
            client_id = self._id("clients")
            domain = f"{_slug(name if not is_person else last)}.example"
            if is_person:
                email = f"{_slug(first)}.{_slug(last)}@mail.example"
            else:
                email = f"{rng.choice(BILLING_LOCALS[language])}@{domain}"
            phone = f"{phone_prefix} {rng.randint(100, 999)}{rng.randint(1000, 9999)}"
            vat_id = ""
            if not is_person:
                if country == "DE" and rng.random() < 0.7:
                    vat_id = _de_vat_id(_digits(rng, 8))
                elif country == "AT":
                    vat_id = "ATU" + _digits(rng, 8)
                elif country == "FR":
                    vat_id = _fr_vat_id(_digits(rng, 9))
                elif country == "CH":
                    vat_id = "CHE" + _digits(rng, 9) + "MWST"
                elif country == "GB":
                    vat_id = "GB" + _digits(rng, 9)
            house = str(rng.randint(1, 180))
            street_name = rng.choice(STREETS[country])
            street = (
                f"{house} {street_name}"
                if country in ("FR", "GB", "US")
                else f"{street_name} {house}"
            )
            recipient = ""
            if not is_person and rng.random() < 0.2:
                recipient = {"de": "z. Hd. Buchhaltung", "fr": "Service comptabilité"}.get(
                    language, "Attn. Accounts Payable"
                )
            created = _stamp(self.start - dt.timedelta(days=rng.randint(1, 60)), index % 600)
            row = {
                "id": client_id,
                "customer_number": number,
                "kind": "person" if is_person else "organisation",
                "name": name,
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": phone,
                "vat_id": vat_id,
                "due_days": due_days,
                "currency": currency,
                "language": language,
                "notes": rng.choice(CLIENT_NOTES) if rng.random() < 0.1 else "",
                "archived_at": None,
                "created_at": created,
                "updated_at": created,
            }
            self.batch.add("clients", row)
            address = {
                "recipient": recipient,
                "street": street,
                "street2": "",
                "zip": zip_code,
                "city": city,
                "region": region,
                "country": country,
            }
            self.batch.add(
                "client_addresses",
                {"id": self._id("client_addresses"), "client_id": client_id, "position": 0,
                 "kind": "billing", **address},
            )  # fmt: skip
            if not is_person and rng.random() < 0.15:
                self.batch.add(
                    "client_addresses",
                    {"id": self._id("client_addresses"), "client_id": client_id, "position": 1,
                     "kind": "delivery", **address, "recipient": "Warenannahme",
                     "street": f"{rng.choice(STREETS[country])} {rng.randint(1, 99)}"},
                )  # fmt: skip
            contact_name = ""
            if not is_person:
                for position in range(rng.choice((0, 1, 1, 1, 2))):
                    c_first = rng.choice(FIRST_NAMES[country])
                    c_last = rng.choice(SURNAMES[country])
                    contact_name = contact_name or f"{c_first} {c_last}"
                    self.batch.add(
                        "contact_persons",
                        {
                            "id": self._id("contact_persons"),
                            "client_id": client_id,
                            "position": position,
                            "first_name": c_first,
                            "last_name": c_last,
                            "email": f"{_slug(c_first)}.{_slug(c_last)}@{domain}",
                            "phone": f"{phone_prefix} {rng.randint(100, 999)}{rng.randint(10, 99)}",
                            "role": rng.choice(CONTACT_ROLES[language]),
                        },
                    )
                if rng.random() < 0.1:
                    self.batch.add(
                        "client_emails",
                        {"id": self._id("client_emails"), "client_id": client_id, "position": 0,
                         "email": f"einkauf@{domain}"},
                    )  # fmt: skip
            if rng.random() < 0.2:
                for tag_id in sorted(set(rng.sample(client_tag_ids, rng.randint(1, 2)))):
                    self.batch.add("client_tags", {"client_id": client_id, "tag_id": tag_id})
            self._audit(created, "client", client_id, "created", f"Client {number} {name} created")
            snapshot: dict[str, object] = {
                "name": name,
                "customer_number": number,
                "kind": row["kind"],
                "first_name": first,
                "last_name": last,
                "email": email,
                "vat_id": vat_id,
                "language": language,
                "address": address,
                "contact": contact_name,
            }
            self.clients.append(
                _ClientPlan(
                    id=client_id,
                    number=number,
                    name=name,
                    kind=str(row["kind"]),
                    country=country,
                    language=language,
                    currency=currency,
                    due_days=due_days,
                    tax_mode=tax_mode,
                    profile=profile,
                    payer=payer,
                    gross=is_person and tax_mode == "domestic" and rng.random() < 0.7,
                    method=method,
                    snapshot=_Json(json.dumps(snapshot)),
                    cash_discount=tax_mode == "domestic" and not is_person and rng.random() < 0.3,
                )
            )
        # A few clients get most of the business.
        shares = [1 / (rank + 3) ** 0.8 for rank in range(len(self.clients))]
        self.rng.shuffle(shares)
        cumulative = 0.0
        for weight in shares:
            cumulative += weight
            self.client_cum_weights.append(cumulative)

    # ------------------------------------------------------------------ invoice dates

    def invoice_dates(self) -> list[dt.date]:
        """``invoice_count`` dates: weekdays, month ends and a growing business weigh more."""
        days = [self.start + dt.timedelta(days=i) for i in range(HISTORY_DAYS)]
        weights = []
        for i, day in enumerate(days):
            weight = (0.6 + 0.8 * i / HISTORY_DAYS) * (0.15 if day.weekday() >= 5 else 1.0)
            if (day + dt.timedelta(days=3)).month != day.month:
                weight *= 1.8
            weights.append(weight)
        return sorted(self.rng.choices(days, weights, k=self.invoice_count))

    def showcase(self, dates: list[dt.date]) -> dict[int, str]:
        """Invoices whose fate is fixed, so that even a small demo shows every state."""
        forced: dict[int, str] = {}
        for fate, low, high in (
            ("draft", 0, 5),
            ("open", 1, 6),
            ("part_paid", 1, 6),
            ("overdue", 90, 400),
            ("cancelled", 20, 400),
            ("credit", 61, 400),
        ):
            first = bisect.bisect_left(dates, self.today - dt.timedelta(days=high))
            last = bisect.bisect_right(dates, self.today - dt.timedelta(days=low))
            candidates = [i for i in range(first, last) if i not in forced][:50]
            if candidates:
                forced[self.rng.choice(candidates)] = fate
        return forced

    # ------------------------------------------------------------------ one invoice

    def _line(self, client: _ClientPlan, currency: str, rate: Decimal, date: dt.date) -> LineItem:
        rng = self.rng
        places = minor_unit(currency)
        quantum = D(1).scaleb(-places)
        if rng.random() < 0.07:
            product: _ProductPlan | None = None
            name = rng.choice(FREE_LINES)
            unit = rng.choice(("Pauschale", "h", "Stk."))
            price = D(rng.randint(20, 500))
            basis = "net"
            tax_rate, category, kind = D(19), TaxCategory.STANDARD, "service"
            quantity = D(1) if unit == "Pauschale" else D(rng.randint(1, 6))
        else:
            kinds, cum_weights = self.profiles[client.profile]
            kind = rng.choices(kinds, cum_weights=cum_weights)[0]
            product = rng.choice(self.by_kind[kind])
            name, unit, price, basis = product.name, product.unit, product.price, product.basis
            tax_rate, category = product.rate, product.category
            if unit == "h":
                quantity = D(rng.randint(1, 48)) / 4
            elif unit == "Tag":
                quantity = D(rng.randint(1, 5))
            elif unit == "km":
                quantity = D(rng.randint(12, 480))
            elif unit in ("Stk.", "Pack", "Teilnehmer", "Lizenz"):
                quantity = D(rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 25)))
            elif unit == "Monat":
                quantity = D(rng.choice((1, 1, 1, 3)))
            else:
                quantity = ONE
            if kind == "service" and rng.random() < 0.15:  # a negotiated rate
                price = (price * D(rng.randint(90, 110)) / 100).quantize(CENT, ROUND_HALF_UP)
        # The client's tax situation decides the category of each supply.
        if client.tax_mode == "eu" and category is TaxCategory.STANDARD:
            tax_rate = ZERO
            category = (
                TaxCategory.INTRA_EU if kind in ("goods", "book") else TaxCategory.REVERSE_CHARGE
            )
        elif client.tax_mode == "export" and category is not TaxCategory.EXEMPT:
            tax_rate = ZERO
            category = (
                TaxCategory.EXPORT if kind in ("goods", "book") else TaxCategory.OUTSIDE_SCOPE
            )
        # Prices: into the invoice's basis, then into its currency.
        hundred = D(100)
        if client.gross and basis == "net":
            price = price * (hundred + tax_rate) / hundred
        elif not client.gross and basis == "gross":
            price = price * hundred / (hundred + product.rate if product else hundred)
        if rate != ONE:
            price = price / rate
        # Cents, as a business quotes them: a net price worked out from a gross catalogue
        # price would otherwise print with four decimals on the PDF.
        price = price.quantize(quantum, ROUND_HALF_UP)
        discount = None
        roll = rng.random()
        if roll < 0.10:
            discount = Discount(percent=D(rng.choice((5, 10, 10, 15, 20))))
        elif roll < 0.13 and quantity * price > 200:
            discount = Discount(amount=D(rng.choice((10, 20, 25, 50))))
        description = ""
        if kind == "service" and rng.random() < 0.3:
            description = TEXTS[client.language]["period"].format(month=f"{date:%m/%Y}")
        elif product is not None and product.description and rng.random() < 0.5:
            description = product.description
        return LineItem(
            quantity=quantity,
            unit_price=price,
            tax_rate=tax_rate,
            tax_category=category,
            discount=discount,
            name=name,
            description=description,
            unit=unit,
            product_number=product.number if product else "",
            product_id=product.id if product else None,
        )

    def _document(
        self, client: _ClientPlan, currency: str, rate: Decimal, date: dt.date
    ) -> tuple[InvoiceDocument, Totals]:
        rng = self.rng
        count = rng.choices(range(1, 9), LINE_COUNT_WEIGHTS)[0]
        lines = tuple(self._line(client, currency, rate, date) for _ in range(count))
        extras: list[AllowanceCharge] = []
        quantum = D(1).scaleb(-minor_unit(currency))
        shipped = any(line.unit in ("Stk.", "Pack") for line in lines)
        if shipped and rng.random() < 0.55:
            amount = D(rng.choice(("4.90", "6.90", "9.90", "12.90")))
            amount = (amount / rate).quantize(quantum, ROUND_HALF_UP)  # the currency's decimals
            tax_rate: Decimal | None = None
            category: TaxCategory | None = None
            if client.tax_mode == "domestic" and rng.random() < 0.5:
                tax_rate, category = D(19), TaxCategory.STANDARD
            extras.append(
                AllowanceCharge(
                    True,
                    Discount(amount=amount),
                    CHARGE_REASONS[client.language],
                    tax_rate,
                    category,
                )
            )
        if rng.random() < 0.03:
            extras.append(
                AllowanceCharge(
                    False, Discount(percent=D(3)), ALLOWANCE_REASONS[client.language], None, None
                )
            )
        discount = None
        roll = rng.random()
        if roll < 0.06:
            discount = Discount(percent=D(rng.choice((2, 3, 5, 10))))
        elif roll < 0.08:
            discount = Discount(amount=D(rng.choice((10, 25, 50))))
        cash = None
        if client.cash_discount and rng.random() < 0.7:
            cash = CashDiscountTerms(*rng.choice(((D(2), 10), (D(3), 7), (D(2), 14))))
        doc = InvoiceDocument(
            currency=currency,
            price_basis=PriceBasis.GROSS if client.gross else PriceBasis.NET,
            lines=lines,
            allowances_charges=tuple(extras),
            discount=discount,
            cash_discount=cash,
            invoice_date=date,
        )
        totals = compute_totals(doc)
        if (
            discount is not None
            and discount.amount is not None
            and (totals.line_total < discount.amount * 4)
        ):
            doc = replace(doc, discount=None)  # a fixed discount only on larger invoices
            totals = compute_totals(doc)
        return doc, totals

    def _store_document(
        self, invoice_id: int, doc: InvoiceDocument, totals: Totals, tag_ids: Iterable[int]
    ) -> None:
        add = self.batch.add
        for position, (line, line_total) in enumerate(zip(doc.lines, totals.lines, strict=True)):
            discount = line.discount
            add(
                "invoice_lines",
                {
                    "id": self._id("invoice_lines"),
                    "invoice_id": invoice_id,
                    "position": position + 1,
                    "product_id": line.product_id,
                    "product_number": line.product_number,
                    "name": line.name,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "unit_price": line.unit_price,
                    "discount_percent": discount.percent if discount else None,
                    "discount_amount": discount.amount if discount else None,
                    "tax_rate": line.tax_rate,
                    "tax_category": line.tax_category.value,
                    "net_amount": line_total.net_amount,
                },
            )
        for position, item in enumerate(doc.allowances_charges):
            add(
                "invoice_allowances_charges",
                {
                    "id": self._id("invoice_allowances_charges"),
                    "invoice_id": invoice_id,
                    "position": position + 1,
                    "is_charge": item.is_charge,
                    "reason": item.reason,
                    "percent": item.value.percent,
                    "amount": item.value.amount,
                    "tax_rate": item.tax_rate,
                    "tax_category": item.tax_category.value if item.tax_category else None,
                },
            )
        for position, tax in enumerate(totals.taxes):
            add(
                "invoice_taxes",
                {
                    "id": self._id("invoice_taxes"),
                    "invoice_id": invoice_id,
                    "position": position,
                    "category": tax.category.value,
                    "rate": tax.rate,
                    "base": tax.base,
                    "amount": tax.amount,
                },
            )
        for tag_id in tag_ids:
            add("invoice_tags", {"invoice_id": invoice_id, "tag_id": tag_id})

    def _totals_fields(self, totals: Totals, rate: Decimal) -> dict[str, Any]:
        """The stored figures, as ``services.invoices._store_totals`` writes them."""
        company = self.company_currency
        return {
            "line_total": totals.line_total,
            "allowance_total": totals.allowances,
            "charge_total": totals.charges,
            "net": totals.net,
            "tax": totals.tax,
            "gross": totals.gross,
            "amount_due": totals.due,
            "net_company": round_money(totals.net * rate, company),
            "gross_company": round_money(totals.gross * rate, company),
        }

    def _payment(
        self,
        invoice_id: int,
        action: _Action,
        minute: int,
        reference: str,
        note: str = "",
        credit_note_id: int | None = None,
    ) -> int:
        payment_id = self._id("payments")
        stamp = _stamp(action.date, minute)
        self.batch.add(
            "payments",
            {
                "id": payment_id,
                "invoice_id": invoice_id,
                "date": action.date,
                "amount": action.amount,
                "method": action.method.value,
                "reference": reference,
                "note": note,
                "is_overpayment": False,
                "credit_note_id": credit_note_id,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        self.counters.payments += 1
        return payment_id

    def _pay_action(
        self,
        invoice_id: int,
        number: str,
        currency: str,
        action: _Action,
        minute: int,
        refund: bool,
    ) -> None:
        method = action.method
        if method is PaymentMethod.BANK_TRANSFER:
            reference = number
        elif method is PaymentMethod.PAYPAL:
            reference = f"PayPal {self.rng.getrandbits(48):012X}"
        elif method is PaymentMethod.CARD:
            reference = f"Karte ****{self.rng.randint(1000, 9999)}"
        elif method is PaymentMethod.DIRECT_DEBIT:
            reference = f"SEPA-Lastschrift {number}"
        elif method is PaymentMethod.CASH:
            reference = f"Quittung {number}"
        else:
            reference = ""
        payment_id = self._payment(invoice_id, action, minute, reference)
        what = "Refund" if refund else "Payment"
        self._audit(
            _stamp(action.date, minute),
            "invoice",
            invoice_id,
            "payment_recorded",
            f"{what} of {plain(action.amount, currency)} recorded ({method.value})",
            from_state=action.before,
            to_state=action.after,
            details={"payment_id": payment_id, "amount": str(action.amount)},
        )

    def _plan_payments(
        self, client: _ClientPlan, date: dt.date, due_date: dt.date, cash: CashDiscountTerms | None
    ) -> list[tuple[dt.date, Decimal | None]]:
        """When the client pays: (date, fraction of the amount due or None for the rest)."""
        rng = self.rng
        terms = max((due_date - date).days, 1)
        payer = client.payer
        if payer == "prompt":
            delay = rng.randint(1, cash.days if cash else terms)
        elif payer == "debit":
            delay = rng.randint(2, min(terms, 8) + 1)
        elif payer == "normal":
            delay = terms + rng.randint(-4, 7)
        elif payer == "late":
            delay = terms + rng.randint(5, 75)
        else:  # bad
            if rng.random() < 0.5:
                return []
            delay = terms + rng.randint(30, 200)
        delay = max(delay, 0)
        if rng.random() < 0.08 and payer != "debit":
            first = date + dt.timedelta(days=max(delay - rng.randint(0, 10), 0))
            fraction = D(rng.randint(20, 70)) / 100
            second = first + dt.timedelta(days=rng.randint(10, 90))
            return [(first, fraction), (second, None)]
        return [(date + dt.timedelta(days=delay), None)]

    def _method(self, client: _ClientPlan) -> PaymentMethod:
        if self.rng.random() < 0.9:
            return client.method
        return self.rng.choice(METHODS[:4])

    def invoice(self, index: int, date: dt.date) -> None:
        """Generate one invoice (and plan its credit note) as of ``date``, seen from today."""
        rng = self.rng
        today = self.today
        client = self.clients[
            rng.choices(range(len(self.clients)), cum_weights=self.client_cum_weights)[0]
        ]
        currency = client.currency or self.company_currency
        rate = self._rate(currency, date)
        doc, totals = self._document(client, currency, rate, date)
        language = client.language
        texts = TEXTS[language]
        age = (today - date).days
        invoice_id = self._id("invoices")
        self.counters.invoices += 1
        minute = (index * 37) % 540
        created = _stamp(date, minute)
        tag_ids: tuple[int, ...] = ()
        roll = rng.random()
        if roll < 0.3:
            tag_ids = tuple(
                sorted({self._tag(rng.choice(INVOICE_TAGS)) for _ in range(1 + (roll < 0.05))})
            )
        title = texts["title"]
        if rng.random() < 0.4:
            title = f"{title} – {rng.choice(PROJECTS)}"
        label = texts["order"].format(n=rng.randint(1000, 99999)) if rng.random() < 0.3 else ""
        note = texts["note"]
        if doc.cash_discount is not None:
            rate_text = f"{doc.cash_discount.rate:f}"
            note = f"{note} " + texts["cash"].format(days=doc.cash_discount.days, rate=rate_text)
        due_days = rng.choice((14, 21, 30)) if rng.random() < 0.08 else None
        supply_type = (
            "service"
            if any(line.unit in ("h", "Tag", "Monat") for line in doc.lines)
            else "delivery"
        )
        supply_date = supply_end = None
        if supply_type == "service" and rng.random() < 0.3:
            supply_end = date.replace(day=1) - dt.timedelta(days=1)
            supply_date = supply_end.replace(day=1)
        elif rng.random() < 0.4:
            supply_date = date - dt.timedelta(days=rng.randint(0, 5))
        row: dict[str, Any] = {
            "id": invoice_id,
            "doc_type": DocType.INVOICE.value,
            "number": None,
            "status": Status.DRAFT.value,
            "client_id": client.id,
            "date": date,
            "supply_date": supply_date,
            "supply_end_date": supply_end,
            "supply_type": supply_type,
            "due_date": None,
            "due_days": due_days,
            "currency": currency,
            "exchange_rate": rate,
            "price_basis": doc.price_basis.value,
            "title": title,
            "label": label,
            "intro": texts["intro"],
            "note": note,
            "discount_percent": doc.discount.percent if doc.discount else None,
            "discount_amount": doc.discount.amount if doc.discount else None,
            "prepaid": ZERO,
            "adjustment": ZERO,
            "cash_discount_rate": doc.cash_discount.rate if doc.cash_discount else None,
            "cash_discount_days": doc.cash_discount.days if doc.cash_discount else None,
            **self._totals_fields(totals, rate),
            "paid_amount": ZERO,
            "open_amount": ZERO,
            "corrects_id": None,
            "quote_id": None,
            "recurrence_id": None,
            "issued_at": None,
            "cancelled_at": None,
            "paid_at": None,
            "created_at": created,
            "updated_at": created,
        }
        self._store_document(invoice_id, doc, totals, tag_ids)
        self._audit(created, "invoice", invoice_id, "created", "Draft created", to_state="draft")

        # Recent work may still be a draft (some without a date yet).
        fate = self.forced.get(index)
        if fate == "draft" or (fate is None and age <= 20 and rng.random() < 0.55 * (1 - age / 21)):
            if rng.random() < 0.5:
                row["date"] = None
            self.batch.add("invoices", row)
            return

        # Issued: number, due date, snapshots, frozen totals.
        number = self.sequences.draw("invoice", date)
        days = due_days if due_days is not None else client.due_days
        due_date = date + dt.timedelta(days=self.default_due_days if days is None else days)
        issued = _stamp(date, minute + 5)
        due = totals.due
        row.update(
            number=number,
            status=Status.OPEN.value,
            due_date=due_date,
            client_snapshot=client.snapshot,
            company_snapshot=self.company_snapshot,
            issued_at=issued,
            updated_at=issued,
        )
        self._audit(
            issued, "invoice", invoice_id, "issued", f"Invoice {number} issued",
            from_state="draft", to_state="open",
            details={"gross": str(totals.gross), "currency": currency},
        )  # fmt: skip

        # What happens next: cancellation, payments, a credit note (up to today).
        actions: list[_Action] = []
        credit_date: dt.date | None = None
        roll = rng.random()
        if fate == "cancelled" or (fate is None and roll < 0.02):
            cancel_date = date + dt.timedelta(days=rng.randint(0, 10))
            if cancel_date <= today:
                actions.append(_Action(cancel_date, 0, "cancel"))
        elif fate == "part_paid":
            quantum = D(1).scaleb(-minor_unit(currency))
            half = (due / 2).quantize(quantum, ROUND_DOWN)
            if half > 0:  # (an amount of 0 would mean "the rest")
                actions.append(_Action(date + dt.timedelta(days=1), 0, "pay", half, client.method))
        elif fate in ("open", "overdue"):
            pass  # not paid (yet)
        else:
            for when, fraction in self._plan_payments(client, date, due_date, doc.cash_discount):
                # A fraction is a part payment in whole units; None pays the rest.
                part = ZERO if fraction is None else (due * fraction).quantize(ONE, ROUND_DOWN)
                if fraction is None or part > 0:
                    actions.append(_Action(when, 0, "pay", part, self._method(client)))
            if fate == "credit" or roll > 0.97:
                credit_date = date + dt.timedelta(days=rng.randint(2, 60))
                actions.append(_Action(credit_date, 1, "credit", method=PaymentMethod.CREDIT_NOTE))
        actions = sorted((a for a in actions if a.date <= today), key=lambda a: (a.date, a.order))

        paid = ZERO
        status = Status.OPEN.value
        paid_at: dt.date | None = None
        last_change = issued
        credit: _CreditPlan | None = None
        for action in actions:
            action.before = status
            if action.kind == "cancel":
                status = Status.CANCELLED.value
                row["cancelled_at"] = last_change = _stamp(action.date, minute + 30)
                action.after = status
                self._audit(
                    last_change, "invoice", invoice_id, "cancelled", f"{number} cancelled",
                    from_state=action.before, to_state=status,
                )  # fmt: skip
                continue
            open_amount = due - paid
            if action.kind == "credit":
                credit = self._plan_credit(
                    client, invoice_id, number, row, doc, totals, tag_ids, action.date, open_amount
                )
                if credit is None:
                    continue
                action.amount = credit.offset
            else:
                action.amount = (
                    open_amount if action.amount == 0 else min(action.amount, open_amount)
                )
            if action.amount > 0:  # (a credit note for a paid invoice settles nothing)
                paid += action.amount
                status = status_after_payment(due, paid).value
                paid_at = action.date if status == Status.PAID.value else None
                last_change = _stamp(action.date, minute + 60)
            elif action.kind != "credit":
                continue
            action.after = status
            if credit is not None:
                credit.followers.append(action)  # written with (after) the credit note
            else:
                self._pay_action(invoice_id, number, currency, action, minute + 60, refund=False)
        row.update(
            status=status,
            paid_amount=paid,
            open_amount=ZERO if status == Status.CANCELLED.value else due - paid,
            paid_at=paid_at,
            updated_at=last_change,
        )
        self.batch.add("invoices", row)
        if credit is not None:
            heapq.heappush(self.pending, (credit.date, invoice_id, credit))

    def _plan_credit(
        self,
        client: _ClientPlan,
        original_id: int,
        number: str,
        original: dict[str, Any],
        doc: InvoiceDocument,
        totals: Totals,
        tag_ids: tuple[int, ...],
        date: dt.date,
        open_amount: Decimal,
    ) -> _CreditPlan | None:
        """A credit note for all lines or some (like ``services.invoices.create_credit_note``)."""
        rng = self.rng
        credit_doc = replace(
            doc, prepaid=ZERO, adjustment=ZERO, cash_discount=None, invoice_date=None
        )
        if len(doc.lines) > 1 and rng.random() < 0.5:
            count = rng.randint(1, len(doc.lines) - 1)
            chosen = sorted(rng.sample(range(len(doc.lines)), count))
            keep = doc.discount if doc.discount and doc.discount.percent else None
            partial = replace(
                credit_doc,
                lines=tuple(doc.lines[i] for i in chosen),
                allowances_charges=(),
                discount=keep,
            )
            partial_totals = compute_totals(partial)
            if partial_totals.gross <= totals.gross:  # credit notes never exceed the invoice
                credit_doc = partial
        credit_totals = compute_totals(credit_doc)
        if credit_totals.gross <= 0:
            return None
        offset = min(max(open_amount, ZERO), credit_totals.due)
        status = status_after_payment(credit_totals.due, offset).value
        refund = None
        if offset < credit_totals.due:
            refund_date = date + dt.timedelta(days=rng.randint(3, 25))
            if refund_date <= self.today:
                refund = _Action(
                    refund_date, 0, "refund", credit_totals.due - offset,
                    PaymentMethod.BANK_TRANSFER, before=status, after=Status.PAID.value,
                )  # fmt: skip
        fields = {
            key: original[key]
            for key in (
                "client_id", "supply_date", "supply_end_date", "supply_type", "currency",
                "exchange_rate", "price_basis", "label", "client_snapshot", "company_snapshot",
            )
        }  # fmt: skip
        return _CreditPlan(
            date=date,
            original_id=original_id,
            original_number=number,
            client=client,
            doc=credit_doc,
            totals=credit_totals,
            fields=fields,
            tags=tag_ids,
            offset=offset,
            status=status,
            paid_at=date if status == Status.PAID.value else None,
            refund=refund,
            followers=[],
        )

    def credit_note(self, plan: _CreditPlan) -> None:
        """Write a planned credit note: number, rows, settlement, the original's later payments."""
        credit_id = self._id("invoices")
        self.counters.credit_notes += 1
        date = plan.date
        number = self.sequences.draw("credit_note", date)
        currency = str(plan.fields["currency"])
        totals = plan.totals
        minute = 300 + credit_id % 200
        created, issued = _stamp(date, minute), _stamp(date, minute + 10)
        original = plan.original_number
        due = totals.due
        paid = plan.offset
        status = plan.status
        paid_at = plan.paid_at
        updated = issued
        if plan.refund is not None:
            paid, status, paid_at = due, Status.PAID.value, plan.refund.date
            updated = _stamp(plan.refund.date, minute)
        doc = plan.doc
        self.batch.add(
            "invoices",
            {
                "id": credit_id,
                "doc_type": DocType.CREDIT_NOTE.value,
                "number": number,
                "status": status,
                **plan.fields,
                "date": date,
                "due_date": date,
                "due_days": 0,
                "title": "",
                "intro": credit_note_intro({"language": plan.client.language}, original),
                "note": "",
                "discount_percent": doc.discount.percent if doc.discount else None,
                "discount_amount": doc.discount.amount if doc.discount else None,
                "prepaid": ZERO,
                "adjustment": ZERO,
                "cash_discount_rate": None,
                "cash_discount_days": None,
                **self._totals_fields(totals, plan.fields["exchange_rate"]),
                "paid_amount": paid,
                "open_amount": due - paid,
                "corrects_id": plan.original_id,
                "quote_id": None,
                "recurrence_id": None,
                "issued_at": issued,
                "cancelled_at": None,
                "paid_at": paid_at,
                "created_at": created,
                "updated_at": updated,
            },
        )
        self._store_document(credit_id, doc, totals, plan.tags)
        # The audit trail in the order the services write it.
        self._audit(created, "invoice", credit_id, "created", "Draft created", to_state="draft")
        self._audit(
            created, "invoice", plan.original_id, "credit_note_created",
            f"Credit note draft {credit_id} created",
        )  # fmt: skip
        followers = list(plan.followers)
        settle = followers.pop(0) if followers and followers[0].kind == "credit" else None
        if settle is not None and settle.amount > 0:
            self._payment(
                plan.original_id, settle, minute + 10, number,
                note=f"Settled by credit note {number}", credit_note_id=credit_id,
            )  # fmt: skip
            self._audit(
                issued, "invoice", plan.original_id, "credited",
                f"{plain(settle.amount, currency)} settled by credit note {number}",
                from_state=settle.before, to_state=settle.after,
            )  # fmt: skip
        self._audit(
            issued, "invoice", credit_id, "issued", f"Credit note {number} issued",
            from_state="draft", to_state=plan.status,
            details={"gross": str(totals.gross), "currency": currency},
        )  # fmt: skip
        for action in followers:
            self._pay_action(
                plan.original_id, plan.original_number, currency, action, minute + 60, refund=False
            )
        if plan.refund is not None:
            self._pay_action(credit_id, number, currency, plan.refund, minute, refund=True)

    def emit_credit_notes(self, before: dt.date | None) -> None:
        """Write the planned credit notes dated before ``before`` (all when None)."""
        pending = self.pending
        while pending and (before is None or pending[0][0] < before):
            self.credit_note(heapq.heappop(pending)[2])

    # ------------------------------------------------------------------ the run

    def run(self) -> DemoSummary:
        self._check_cancelled()
        total = self.invoice_count
        if self.progress is not None:
            self.progress(0, total)
        self.setup_company()
        self.setup_rates()
        self.make_products()
        self.make_clients()
        self.flush()
        dates = self.invoice_dates() if self.clients else []
        self.forced = self.showcase(dates)
        for start in range(0, len(dates), BATCH_SIZE):
            self._check_cancelled()
            for index in range(start, min(start + BATCH_SIZE, len(dates))):
                date = dates[index]
                self.emit_credit_notes(date)
                self.invoice(index, date)
            if start + BATCH_SIZE >= len(dates):
                self.emit_credit_notes(None)
            self.flush()
            if self.progress is not None:
                self.progress(min(start + BATCH_SIZE, total), total)
        self._check_cancelled()
        self.sequences.store(self.session)
        return DemoSummary(
            clients=len(self.clients),
            products=len(self.products),
            invoices=self.counters.invoices,
            credit_notes=self.counters.credit_notes,
            payments=self.counters.payments,
        )


def generate_demo(
    db: Database,
    *,
    clients: int = 25,
    invoices: int = 200,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database with demo data; the same ``seed`` and ``today`` give the same data.

    Refuses (DomainError) a database that has clients or invoices already: demo
    data belongs in a fresh, separate file. ``progress(done, total)`` is called
    after each batch of invoices; when ``cancelled()`` returns True the run stops
    with :class:`DemoCancelled` and nothing is written.
    """
    for name, value, limit in (
        ("clients", clients, MAX_CLIENTS),
        ("invoices", invoices, MAX_INVOICES),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise DomainError(f"give a whole number from 0 to {limit:,}", name)
    if invoices and not clients:
        raise DomainError("invoices need at least one client", "clients")
    with db.write() as session:
        has_invoices = session.scalar(select(func.count()).select_from(Invoice))
        has_clients = session.scalar(select(func.count()).select_from(Client))
        if has_invoices or has_clients:
            raise DomainError(
                f"this database already has {has_clients or 0} clients and {has_invoices or 0} "
                "invoices or credit notes — demo data goes into a new, empty database file, "
                "never into real books",
                "database",
            )
        generator = _Generator(
            session,
            seed=seed,
            today=today or dt.date.today(),
            clients=clients,
            invoices=invoices,
            progress=progress,
            cancelled=cancelled,
        )
        summary = generator.run()
    db.analyze()  # fresh statistics for the planner after a bulk load
    return summary
