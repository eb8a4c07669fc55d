"""The demo's clients and products as the services take them (``ClientInput``,
``ProductInput``), with what the story needs to know about each client."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.services.demo.catalogue import (
    METHODS,
    ORG_METHOD_WEIGHTS,
    PAYERS,
    PERSON_METHOD_WEIGHTS,
    PRODUCTS,
)
from invoicedesk.services.demo.names import (
    BILLING_LOCALS,
    CITIES,
    CLIENT_NOTES,
    CLIENT_TAGS,
    CONTACT_ROLES,
    COUNTRY_WEIGHTS,
    EU_COUNTRIES,
    FIRST_NAMES,
    LANGUAGES,
    LOCAL_CURRENCY,
    ORG_PATTERNS,
    STREETS,
    SURNAMES,
)
from invoicedesk.services.inputs import (
    AddressInput,
    AddressKind,
    ClientInput,
    ClientKind,
    ContactInput,
    PaymentMethod,
    ProductInput,
)

D = Decimal


def at(date: dt.date, minute: int) -> dt.datetime:
    """A UTC moment on ``date``, ``minute`` minutes after 07:00 (capped to the day)."""
    hour, minute = divmod(7 * 60 + min(max(minute, 0), 16 * 60), 60)
    return dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=dt.UTC)


def slug(text: str) -> str:
    """ASCII for e-mail addresses: Müller & Söhne → mueller-soehne."""
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_).replace(umlaut.upper(), ascii_.capitalize())
    plain_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain_text.lower()).split()
    stop = {"gmbh", "ag", "kg", "co", "e", "k", "v", "eg", "sa", "sarl", "sas", "ltd", "llp", "inc"}
    kept = [w for w in words if w not in stop] or words
    return "-".join(kept[:3]) or "kunde"


def de_vat_id(digits: str) -> str:
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


def iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits (ISO 13616, mod 97)."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def _digits(rng: Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(count - 1))


def weighted(rng: Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


@dataclass(slots=True)
class ProductPlan:
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


def product_inputs() -> list[tuple[ProductInput, str]]:
    """The catalogue as inputs, each with its kind (service, goods, book …)."""
    return [
        (
            ProductInput(
                name=name,
                unit_price=D(price),
                tax_rate=D(rate),
                description=description,
                unit=unit,
                tax_category=category,
                price_basis=PriceBasis(basis),
            ),
            kind,
        )
        for name, unit, price, basis, rate, category, kind, description in PRODUCTS
    ]


@dataclass(slots=True)
class ClientPlan:
    """What the story knows of a client besides its input."""

    id: int
    language: str
    currency: str | None  # None: the company currency
    due_days: int | None
    tax_mode: str  # domestic, eu (reverse charge / intra-EU), export
    profile: str
    payer: str
    gross: bool  # invoiced on gross prices (consumers)
    method: PaymentMethod
    cash_discount: bool


def client_input(
    rng: Random, index: int, names: set[str], start: dt.date, currencies: set[str]
) -> tuple[ClientInput, ClientPlan, dt.datetime]:
    """One client, its plan (id still 0) and when it was created."""
    country = weighted(rng, COUNTRY_WEIGHTS)
    language = LANGUAGES[country]
    zip_code, city, region, phone_prefix = rng.choice(CITIES[country])
    is_person = rng.random() < 0.25
    first = last = name = ""
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
        if rng.random() < share and code in currencies:
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
        profile = weighted(rng, (("services", 55), ("goods", 20), ("books", 12), ("training", 13)))
    payer = weighted(rng, PAYERS)
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
    domain = f"{slug(name if not is_person else last)}.example"
    if is_person:
        email = f"{slug(first)}.{slug(last)}@mail.example"
    else:
        email = f"{rng.choice(BILLING_LOCALS[language])}@{domain}"
    phone = f"{phone_prefix} {rng.randint(100, 999)}{rng.randint(1000, 9999)}"
    vat_id = ""
    if not is_person:
        if country == "DE" and rng.random() < 0.7:
            vat_id = de_vat_id(_digits(rng, 8))
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
    street = f"{house} {street_name}" if country in ("FR", "GB", "US") else f"{street_name} {house}"
    recipient = ""
    if not is_person and rng.random() < 0.2:
        recipient = {"de": "z. Hd. Buchhaltung", "fr": "Service comptabilité"}.get(
            language, "Attn. Accounts Payable"
        )
    created = at(start - dt.timedelta(days=rng.randint(1, 60)), index % 600)
    address = AddressInput(street=street, zip=zip_code, city=city, region=region,
                           country=country, recipient=recipient)  # fmt: skip
    addresses = [address]
    if not is_person and rng.random() < 0.15:
        addresses.append(
            AddressInput(street=f"{rng.choice(STREETS[country])} {rng.randint(1, 99)}",
                         zip=zip_code, city=city, region=region, country=country,
                         kind=AddressKind.DELIVERY, recipient="Warenannahme")
        )  # fmt: skip
    contacts = []
    emails: tuple[str, ...] = ()
    if not is_person:
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            c_first = rng.choice(FIRST_NAMES[country])
            c_last = rng.choice(SURNAMES[country])
            contacts.append(
                ContactInput(
                    first_name=c_first,
                    last_name=c_last,
                    email=f"{slug(c_first)}.{slug(c_last)}@{domain}",
                    phone=f"{phone_prefix} {rng.randint(100, 999)}{rng.randint(10, 99)}",
                    role=rng.choice(CONTACT_ROLES[language]),
                )
            )
        if rng.random() < 0.1:
            emails = (f"einkauf@{domain}",)
    tags: tuple[str, ...] = ()
    if rng.random() < 0.2:
        tags = tuple(sorted(set(rng.sample(CLIENT_TAGS, rng.randint(1, 2)))))
    notes = rng.choice(CLIENT_NOTES) if rng.random() < 0.1 else ""
    data = ClientInput(
        name=name,
        kind=ClientKind.PERSON if is_person else ClientKind.ORGANISATION,
        first_name=first,
        last_name=last,
        email=email,
        emails=emails,
        phone=phone,
        vat_id=vat_id,
        due_days=due_days,
        currency=currency,
        language=language,
        tags=tags,
        notes=notes,
        addresses=tuple(addresses),
        contacts=tuple(contacts),
    )
    plan = ClientPlan(
        id=0,
        language=language,
        currency=currency,
        due_days=due_days,
        tax_mode=tax_mode,
        profile=profile,
        payer=payer,
        gross=is_person and tax_mode == "domestic" and rng.random() < 0.7,
        method=method,
        cash_discount=tax_mode == "domestic" and not is_person and rng.random() < 0.3,
    )
    return data, plan, created
