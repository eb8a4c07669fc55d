"""Realistic, reproducible demo data: a German small business, its clients, two years of invoices.

:func:`generate_demo` fills an empty database with a company profile (if none is
set), clients, products and invoices in every state: drafts, open, overdue,
partly paid, paid, cancelled, and credit notes. The same ``seed`` and ``today``
give the same data.

The generator only makes inputs — ``ClientInput``, ``ProductInput``,
``InvoiceInput``, ``PaymentInput``, credit-note requests, each with the moment it
happens — and hands them to the same use cases the app and the command line use, in
their bulk variants (``clients.add_clients``, ``products.add_products``,
``invoice_batches.add_invoices``/``cancel_many``/``create_credit_notes``,
``payments.record_payments``): numbers, snapshots, totals, settlements, states and
audit entries are theirs. Everything happens in one write transaction (a cancelled or
failed run leaves nothing behind); the search index is filled once at its end and the
planner's statistics are taken afterwards. Issued demo documents have no archived PDF
yet: it is made on first export or print, as for imported ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from random import Random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invoicedesk.core.document import TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import minor_unit
from invoicedesk.core.totals import compute_totals
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, CompanyProfile, Invoice
from invoicedesk.db.storage import storage_of
from invoicedesk.services.bulk_rows import PausedCollector
from invoicedesk.services.clients import add_clients
from invoicedesk.services.demo.catalogue import COMPANY, PROJECTS, TEXTS
from invoicedesk.services.demo.documents import Documents, pick
from invoicedesk.services.demo.names import EUR_PER_UNIT, INVOICE_TAGS
from invoicedesk.services.demo.people import (
    ClientPlan,
    ProductPlan,
    at,
    client_input,
    de_vat_id,
    iban,
    product_inputs,
)
from invoicedesk.services.demo.story import Story
from invoicedesk.services.document_texts import default_document_texts
from invoicedesk.services.inputs import InvoiceInput, SupplyType, document_of
from invoicedesk.services.invoice_batches import Draft, add_invoices
from invoicedesk.services.products import add_products
from invoicedesk.services.settings import company_profile, load_company

__all__ = ["BATCH_SIZE", "DemoCancelled", "DemoSummary", "generate_demo"]

BATCH_SIZE = 2_000  # invoices per bulk call (and per progress report)
MAX_INVOICES = 1_000_000
MAX_CLIENTS = 100_000
HISTORY_DAYS = 730  # about two years up to ``today``
D = Decimal
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


@dataclass(slots=True)
class _Planned:
    """An invoice input and what becomes of it."""

    index: int
    client: ClientPlan
    fate: str | None
    draft: bool  # stays a draft
    minute: int


class _Generator:
    def __init__(self, session: Session, *, seed: int, today: dt.date, clients: int,
                 invoices: int) -> None:  # fmt: skip
        self.session = session
        self.rng = Random(seed)
        self.today = today
        self.client_count = clients
        self.invoice_count = invoices
        self.start = today - dt.timedelta(days=HISTORY_DAYS - 1)
        self.company_currency = "EUR"
        self.rates: dict[tuple[str, int], Decimal] = {}
        self.products: list[ProductPlan] = []
        self.clients: list[ClientPlan] = []
        self.client_cum_weights: list[float] = []
        self.forced: dict[int, str] = {}
        self.story = Story(session, self.rng, today)
        self.documents = Documents(self.rng, [])

    # ------------------------------------------------------------------ set-up

    def setup_company(self) -> None:
        profile = self.session.get(CompanyProfile, 1)
        if profile is None or not (profile.name or "").strip():
            profile = company_profile(self.session)
            for key, value in COMPANY.items():
                setattr(profile, key, value)
            profile.account_holder = COMPANY["name"]
            profile.vat_id = de_vat_id("28461739")
            profile.iban = iban("DE", "86055592" + "0012345678")
            self.session.flush()
        self.company_currency = load_company(self.session).currency

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
            return D(1)
        month = (date.year - self.start.year) * 12 + date.month - self.start.month
        return self.rates[(currency, month)]

    def make_products(self) -> None:
        catalogue = product_inputs()
        moment = at(self.start - dt.timedelta(days=30), 60)
        made = add_products(
            self.session, [inp for inp, _ in catalogue], at=[moment] * len(catalogue)
        )
        for product, (inp, kind) in zip(made, catalogue, strict=True):
            self.products.append(
                ProductPlan(product.id, product.number, inp.name, inp.unit, inp.unit_price,
                            inp.price_basis.value, product.tax_rate,
                            inp_category(product.tax_category), kind, inp.description)
            )  # fmt: skip
        self.documents = Documents(self.rng, self.products)

    def make_clients(self) -> None:
        names: set[str] = set()
        currencies = {currency for currency, _ in self.rates}
        made = [
            client_input(self.rng, index, names, self.start, currencies)
            for index in range(self.client_count)
        ]
        clients = add_clients(self.session, [m[0] for m in made], at=[m[2] for m in made])
        for client, (_, plan, _) in zip(clients, made, strict=True):
            plan.id = client.id
            self.clients.append(plan)
        # A few clients get most of the business.
        shares = [1 / (rank + 3) ** 0.8 for rank in range(len(self.clients))]
        self.rng.shuffle(shares)
        cumulative = 0.0
        for weight in shares:
            cumulative += weight
            self.client_cum_weights.append(cumulative)

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

    def invoice(self, index: int, date: dt.date) -> tuple[InvoiceInput, _Planned]:
        """One invoice's input as of ``date``, and whether it stays a draft."""
        rng = self.rng
        client = self.clients[pick(rng, self.client_cum_weights)]
        currency = client.currency or self.company_currency
        rate = self._rate(currency, date)
        doc = self.documents.document(client, currency, rate, date)
        texts = TEXTS[client.language]  # the wording of labels and line descriptions
        # Title, intro and note as the app starts a new invoice in the document language.
        defaults = default_document_texts(client.language)
        tags: tuple[str, ...] = ()
        roll = rng.random()
        if roll < 0.3:
            tags = tuple(sorted({rng.choice(INVOICE_TAGS) for _ in range(1 + (roll < 0.05))}))
        title = defaults.title
        if rng.random() < 0.4:
            title = f"{title} – {rng.choice(PROJECTS)}"
        label = texts["order"].format(n=rng.randint(1000, 99999)) if rng.random() < 0.3 else ""
        # (The PDF prints the payment terms and any cash discount above the note.)
        note = defaults.note
        due_days = rng.choice((14, 21, 30)) if rng.random() < 0.08 else None
        service = any(line.unit in ("h", "Tag", "Monat") for line in doc.lines)
        supply_date = supply_end = None
        if service and rng.random() < 0.3:
            supply_end = date.replace(day=1) - dt.timedelta(days=1)
            supply_date = supply_end.replace(day=1)
        elif rng.random() < 0.4:
            supply_date = date - dt.timedelta(days=rng.randint(0, 5))
        fate = self.forced.get(index)
        age = (self.today - date).days
        draft = fate == "draft" or (
            fate is None and age <= 20 and rng.random() < 0.55 * (1 - age / 21)
        )
        undated = draft and rng.random() < 0.5  # recent work, some without a date yet
        inp = InvoiceInput(
            client_id=client.id, date=None if undated else date, supply_date=supply_date,
            supply_end_date=supply_end,
            supply_type=SupplyType.SERVICE if service else SupplyType.DELIVERY,
            due_days=due_days, currency=currency,
            exchange_rate=rate if currency != self.company_currency else None,
            price_basis=doc.price_basis, title=title, label=label, intro=defaults.intro,
            note=note, tags=tags, lines=doc.lines, allowances_charges=doc.allowances_charges,
            discount=doc.discount, cash_discount=doc.cash_discount,
        )  # fmt: skip
        return inp, _Planned(index, client, fate, draft, (index * 37) % 540)

    def plan(self, planned: _Planned, draft: Draft, issued_due: dt.date, number: str) -> None:
        """What happens to an issued invoice next: cancellation, payments, a credit note."""
        rng, story, client = self.rng, self.story, planned.client
        date = draft.data.date
        assert date is not None
        due = draft.totals.due
        key, minute, fate = draft.id, planned.minute, planned.fate
        roll = rng.random()
        if fate == "cancelled" or (fate is None and roll < 0.02):
            story.add("cancel", key, date + dt.timedelta(days=rng.randint(0, 10)), minute + 30)
            return
        if fate == "part_paid":
            quantum = D(1).scaleb(-minor_unit(draft.data.currency or "EUR"))
            half = (due / 2).quantize(quantum, ROUND_DOWN)
            if half > 0:  # (an amount of 0 would mean "the rest")
                reference = story.reference(client.method, number)
                story.add("pay", key, date + dt.timedelta(days=1), minute + 60, amount=half,
                          method=client.method, reference=reference)  # fmt: skip
            return
        if fate in ("open", "overdue"):
            return  # not paid (yet)
        cash = draft.data.cash_discount
        for when, fraction in self.documents.plan_payments(client, date, issued_due, cash):
            # A fraction is a part payment in whole units; None pays the rest.
            part = None if fraction is None else (due * fraction).quantize(D(1), ROUND_DOWN)
            if part is None or part > 0:
                method = self.documents.method(client)
                reference = story.reference(method, number)
                story.add("pay", key, when, minute + 60, amount=part, method=method,
                          reference=reference)  # fmt: skip
        if fate == "credit" or roll > 0.97:
            credit_date = date + dt.timedelta(days=rng.randint(2, 60))
            story.add("credit", key, credit_date, 600 + key % 200,
                      positions=self._credited_lines(draft))  # fmt: skip

    def _credited_lines(self, draft: Draft) -> tuple[int, ...]:
        """All lines (empty) or some, never more than the invoice's total."""
        lines = draft.data.lines
        if len(lines) < 2 or self.rng.random() >= 0.5:
            return ()
        count = self.rng.randint(1, len(lines) - 1)
        chosen = tuple(sorted(self.rng.sample(range(len(lines)), count)))
        keep = draft.data.discount if draft.data.discount and draft.data.discount.percent else None
        partial = InvoiceInput(currency=draft.data.currency, price_basis=draft.data.price_basis,
                               lines=tuple(lines[i] for i in chosen), discount=keep)  # fmt: skip
        totals = compute_totals(document_of(partial))
        if totals.gross <= 0 or totals.gross > draft.totals.gross:
            return ()
        return tuple(i + 1 for i in chosen)

    # ------------------------------------------------------------------ the run

    def batch(self, dates: list[dt.date], first: int) -> None:
        inputs, planned = [], []
        for index in range(first, min(first + BATCH_SIZE, len(dates))):
            inp, plan = self.invoice(index, dates[index])
            inputs.append(inp)
            planned.append(plan)
        moments = [at(dates[p.index], p.minute) for p in planned]
        issue_at = [at(dates[p.index], p.minute + 5) for p in planned if not p.draft]
        drafts, issued = add_invoices(
            self.session, inputs, [not p.draft for p in planned], self.today,
            at=moments, issue_at=issue_at, archive=False,
        )  # fmt: skip
        chosen = [(d, p) for d, p in zip(drafts, planned, strict=True) if not p.draft]
        for (draft, plan), done in zip(chosen, issued, strict=True):
            self.story.open[draft.id] = done.open_amount
            self.plan(plan, draft, done.due_date, done.number)

    def run(self, progress: Callable[[int, int], None] | None,
            cancelled: Callable[[], bool] | None) -> DemoSummary:  # fmt: skip
        def check() -> None:
            if cancelled is not None and cancelled():
                raise DemoCancelled("demo data generation was cancelled; nothing was written")

        check()
        total = self.invoice_count
        if progress is not None:
            progress(0, total)
        self.setup_company()
        self.setup_rates()
        with storage_of(self.session).bulk_writes(self.session), PausedCollector() as collector:
            self.make_products()
            self.make_clients()
            dates = self.invoice_dates() if self.clients else []
            self.forced = self.showcase(dates)
            for first in range(0, len(dates), BATCH_SIZE):
                check()
                self.batch(dates, first)
                following = first + BATCH_SIZE
                self.story.play(dates[following] if following < len(dates) else None)
                collector.collect()
                if progress is not None:
                    progress(min(following, total), total)
            check()
        return DemoSummary(
            clients=len(self.clients),
            products=len(self.products),
            invoices=len(dates),
            credit_notes=self.story.credit_notes,
            payments=self.story.payments,
        )


def inp_category(value: str) -> TaxCategory:
    return TaxCategory(value)


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
            raise DomainError(
                "give a whole number from 0 to {limit:,}", name, params={"limit": limit}
            )
    if invoices and not clients:
        raise DomainError("invoices need at least one client", "clients")
    with db.write() as session:
        has_invoices = session.scalar(select(func.count()).select_from(Invoice))
        has_clients = session.scalar(select(func.count()).select_from(Client))
        if has_invoices or has_clients:
            raise DomainError(
                "this database already has {has_clients} clients and {has_invoices} invoices or "
                "credit notes — demo data goes into a new, empty database file, never into real "
                "books",
                "database",
                params={"has_clients": has_clients or 0, "has_invoices": has_invoices or 0},
            )
        generator = _Generator(session, seed=seed, today=today or dt.date.today(),
                               clients=clients, invoices=invoices)  # fmt: skip
        summary = generator.run(progress, cancelled)
    db.analyze()  # statistics of the data now in the file, for the planner
    return summary
