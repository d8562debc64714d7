#!/usr/bin/env bash
# A seller's month driven by a script, the way a user's own automation would drive salesflow:
# leads typed in and imported from a trade-show CSV, several qualified in one batch from
# `lead list --jsonl | jq`, products, quotes activated, accepted, orders fulfilled and invoices
# paid in batches, then the reports' JSON checked figure by figure with jq.
#
# Run by tests/e2e/test_scripted_session.py; by hand: bash tests/e2e/scripted_session.sh
# It uses its own temporary data file and fixed dates ($SALESFLOW_TODAY) and never touches yours.
# Set $SALESFLOW_PYTHON to run `python -m salesflow` with that interpreter instead of `salesflow`.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
samples="$here/../data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export SALESFLOW_DB="$work/sales.json"
export SALESFLOW_TODAY=2026-03-02
unset SALESFLOW_LOCK_TIMEOUT

if [[ -n "${SALESFLOW_PYTHON:-}" ]]; then
    sf() { "$SALESFLOW_PYTHON" -m salesflow "$@"; }
else
    sf() { salesflow "$@"; }
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect WHAT ACTUAL EXPECTED: the figure must be exactly the expected text.
expect() {
    if [[ "$2" != "$3" ]]; then
        fail "$1: expected '$3', got '$2'"
    fi
    echo "ok   $1 = $3"
}

step() { echo "---- $*"; }

# --- the seller and the catalog ----------------------------------------------------------------
step "init and products"
sf init --currency EUR --tax-rate 21 --payment-terms 30 --company "Acme BV" >/dev/null 2>&1
expect "product CONSULT" "$(sf product add CONSULT --name "Consulting day" --price 1000)" CONSULT
expect "product LICENCE" \
    "$(sf product add LICENCE --name "Licence" --price 250 --tax-rate 9)" LICENCE

# --- leads: typed in, and imported from a fair ---------------------------------------------------
step "leads"
ada=$(sf lead add --first-name Ada --last-name Lovelace --company "Analytical Engines" \
    --email ada@analytical.example --source web --estimated-value 5000)
grace=$(sf lead add --first-name Grace --last-name Hopper --company "Cobol Works" \
    --email grace@cobol.example --source web)
linus=$(sf lead add --company "Kernel Corp" --source referral)
expect "lead numbers" "$ada $grace $linus" "L-0001 L-0002 L-0003"

step "import the fair's CSV"
cp "$samples/beurs-2026.csv" "$work/beurs-2026.csv"
status=0
sf lead import "$work/beurs-2026.csv" --source "Beurs 2026" --rejects "$work/rejects.csv" \
    >/dev/null 2>"$work/import.err" || status=$?
# One row has the value "abc": rejected, so the import exits 3 and keeps the other four.
expect "import exit code (one row rejected)" "$status" 3
expect "imported leads" "$(sf lead list --source "beurs 2026" --json | jq length)" 4
expect "imported estimated values" \
    "$(sf lead list --source "Beurs 2026" --json | jq -r '[.[].estimated_value // empty] | join(" ")')" \
    "12500.00 2750.50 1000.00"
grep -q "abc" "$work/rejects.csv" || fail "the rejected row (value abc) is not in the rejects file"

# --- qualify in one batch ------------------------------------------------------------------------
step "disqualify one, qualify every other open lead in one batch"
sf lead disqualify "$linus" --reason no-longer-interested >/dev/null 2>&1
opportunities=$(sf lead list --status open --jsonl | jq -r .number | sf lead qualify - 2>/dev/null)
expect "opportunities from one batch" "$(echo "$opportunities" | tr '\n' ' ')" \
    "OPP-0001 OPP-0002 OPP-0003 OPP-0004 OPP-0005 OPP-0006 "
expect "qualified leads" "$(sf lead list --status qualified --json | jq length)" 6
expect "open leads left" "$(sf lead list --status open --json 2>/dev/null | jq length)" 0

# OPP-0003 and OPP-0004 are the fair's first two cards (values 12500.00 and 2750.50).
expect "OPP-0003 lead's source" "$(sf opp show OPP-0003 --json | jq -r .source)" "Beurs 2026"
expect "OPP-0003 estimate" "$(sf opp show OPP-0003 --json | jq -r .estimated_revenue)" 12500.00

# --- lines and quotes -----------------------------------------------------------------------------
step "products on opportunities, quotes"
sf opp add-product OPP-0001 CONSULT --quantity 3 >/dev/null   # 3000 + 630 tax
sf opp add-product OPP-0002 LICENCE --quantity 4 >/dev/null   # 1000 + 90 tax
sf opp add-product OPP-0003 CONSULT --quantity 2 --discount 10% >/dev/null  # 1800 + 378 tax
sf opp add-product OPP-0004 LICENCE --quantity 2 >/dev/null   # 500 + 45 tax
for opportunity in OPP-0001 OPP-0002 OPP-0003 OPP-0004; do
    sf quote create "$opportunity" >/dev/null 2>&1
done
expect "QUO-0003 total" "$(sf quote show QUO-0003 --json | jq -r .total)" 2178.00

step "activate every draft in one batch"
activated=$(sf quote list --status draft --jsonl | jq -r .number | sf quote activate - 2>/dev/null)
expect "activated quotes" "$(echo "$activated" | tr '\n' ' ')" "QUO-0001 QUO-0002 QUO-0003 QUO-0004 "

step "accept three quotes"
for quote in QUO-0001 QUO-0002 QUO-0004; do
    sf quote accept "$quote" >/dev/null 2>&1
done
expect "active orders" "$(sf order list --status active --json | jq -r 'map(.number) | join(" ")')" \
    "ORD-0001 ORD-0002 ORD-0003"

# --- fulfil and pay in batches --------------------------------------------------------------------
step "fulfil every active order in one batch"
invoices=$(sf order list --status active --jsonl | jq -r .number \
    | sf order fulfil - --date 2026-03-05 2>/dev/null)
expect "invoice numbers, one per order" "$(echo "$invoices" | tr '\n' ' ')" \
    "INV-2026-0001 INV-2026-0002 INV-2026-0003 "
expect "invoice totals" "$(sf invoice list --json | jq -r 'map(.total) | join(" ")')" \
    "3630.00 1090.00 545.00"
expect "due date (30 days)" "$(sf invoice show INV-2026-0002 --json | jq -r .due_date)" 2026-04-04

step "a part payment, then pay every unpaid invoice's balance in one batch"
sf invoice pay INV-2026-0002 --amount 590 --date 2026-03-20 >/dev/null 2>&1
paid=$(sf invoice list --status unpaid --jsonl | jq -r .number \
    | sf invoice pay - --date 2026-03-25 2>/dev/null)
expect "paid in one batch" "$(echo "$paid" | tr '\n' ' ')" "INV-2026-0001 INV-2026-0003 "
expect "invoice statuses" "$(sf invoice list --json | jq -r 'map(.status) | join(" ")')" \
    "paid partially-paid paid"

step "a refused batch changes nothing"
cp "$SALESFLOW_DB" "$work/before.json"
status=0
sf invoice pay INV-2026-0001 INV-2026-0002 >/dev/null 2>"$work/refused.err" || status=$?
expect "exit code of a batch with a paid invoice" "$status" 1
expect "refusals listed" "$(wc -l <"$work/refused.err" | tr -d ' ')" 2
cmp -s "$SALESFLOW_DB" "$work/before.json" || fail "a refused batch changed the data file"

# --- the reports ----------------------------------------------------------------------------------
export SALESFLOW_TODAY=2026-05-20

step "report pipeline"
pipeline=$(sf report pipeline --json)
# Open: OPP-0003 in propose (12500 at 60 %), OPP-0005 and OPP-0006 in qualify (0 and 1000 at 20 %).
expect "pipeline propose count" "$(jq -r '.stages[] | select(.stage == "propose") | .count' <<<"$pipeline")" 1
expect "pipeline propose weighted" \
    "$(jq -r '.stages[] | select(.stage == "propose") | .weighted_revenue' <<<"$pipeline")" 7500.00
expect "pipeline qualify estimated" \
    "$(jq -r '.stages[] | select(.stage == "qualify") | .estimated_revenue' <<<"$pipeline")" 1000.00
expect "pipeline total count" "$(jq -r .total.count <<<"$pipeline")" 3
expect "pipeline total estimated" "$(jq -r .total.estimated_revenue <<<"$pipeline")" 13500.00
expect "pipeline total weighted" "$(jq -r .total.weighted_revenue <<<"$pipeline")" 7700.00

step "report funnel"
funnel=$(sf report funnel --json)
expect "funnel counts" "$(jq -r '[.steps[].count] | join(" ")' <<<"$funnel")" "7 6 4 3 3 2"
expect "funnel disqualified" "$(jq -r '.disqualified["no-longer-interested"]' <<<"$funnel")" 1
expect "funnel won revenue" "$(jq -r .won_revenue <<<"$funnel")" 4500.00
expect "funnel paid revenue" "$(jq -r .paid_revenue <<<"$funnel")" 4765.00  # payments that came in, the part payment too
fair=$(sf report funnel --json --source "beurs 2026")
expect "fair funnel counts" "$(jq -r '[.steps[].count] | join(" ")' <<<"$fair")" "4 4 2 1 1 1"
expect "fair won revenue" "$(jq -r .won_revenue <<<"$fair")" 500.00

step "report receivables"
receivables=$(sf report receivables --json)
# INV-2026-0002: 500.00 left, due 2026-04-04, 46 days overdue on 2026-05-20.
expect "receivables total" "$(jq -r .total.total <<<"$receivables")" 500.00
expect "receivables invoices" "$(jq -r '[.invoices[].number] | join(" ")' <<<"$receivables")" \
    INV-2026-0002
expect "receivables bucket" "$(jq -r '.invoices[0].bucket' <<<"$receivables")" days_31_60
expect "receivables account" "$(jq -r '.accounts[0].name' <<<"$receivables")" "Cobol Works"
expect "receivables buckets add up" \
    "$(jq -r '[.total | to_entries[] | select(.key | test("^(not_due|days_)")) | .value | tonumber] | add' <<<"$receivables")" \
    500

step "report sales"
sales=$(sf report sales --json)
expect "sales months" "$(jq -r '[.months[].month] | join(" ")' <<<"$sales")" 2026-03
expect "sales invoiced" "$(jq -r .total.invoiced <<<"$sales")" 5265.00
expect "sales paid" "$(jq -r .total.paid <<<"$sales")" 4765.00
expect "sales outstanding" "$(jq -r .total.outstanding <<<"$sales")" 500.00

echo "scripted session: all checks passed"
