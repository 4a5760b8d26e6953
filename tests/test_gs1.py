"""What scanners send: GS1 element strings (FNC1/GS and HRI forms, AIM identifiers) and
the plant's own code patterns, and the messages a refused code gets."""

import datetime as dt
from decimal import Decimal

import pytest

from hmi.devices.scanner import make_scan
from hmi.services.errors import OperatorError
from hmi.services.gs1 import (
    CodeRules,
    CodeRulesError,
    Quantity,
    ScanError,
    parse_gs1,
    parse_scan,
    show_code,
)

GS = "\x1d"
GTIN = "04012345000108"  # demo product BRK-100 (check digit 8)
BAD_GTIN = "04012345000109"

RULES = CodeRules.from_config([
    {"kind": "lot", "name": "material lot label",
     "pattern": r"^L(?P<material>[A-Z0-9-]+)/(?P<lot>[A-Z0-9-]+)$"},
    {"kind": "tool", "pattern": r"T-(?P<tool>\d{4})"},
    {"kind": "gauge", "pattern": r"G(?P<gauge>\d{3})-(?P<cal>\d{2})"},
    {"kind": "badge", "pattern": r"\d{4}"},
])


# --------------------------------------------------------------------------- valid GS1

# One label (GTIN, expiry 31.03.2026, lot, serial) in every form a scanner may send it.
FORMS = {
    "GS1-128 with AIM and GS": f"]C101{GTIN}17260331{GS}10LOT-42{GS}21SN0001",
    "GS1 DataMatrix with AIM": f"]d201{GTIN}1726033110LOT-42{GS}21SN0001",
    "GS1 QR with AIM": f"]Q301{GTIN}1726033110LOT-42{GS}21SN0001",
    "no AIM, GS separators": f"01{GTIN}17260331{GS}10LOT-42{GS}21SN0001",
    "no AIM, FNC1 first and last": f"{GS}01{GTIN}1726033110LOT-42{GS}21SN0001{GS}",
    "HRI": f"(01){GTIN}(17)260331(10)LOT-42(21)SN0001",
    "HRI with spaces": f"(01) {GTIN} (17) 260331 (10) LOT-42 (21) SN0001",
}


@pytest.mark.parametrize("text", FORMS.values(), ids=FORMS.keys())
def test_the_same_label_in_every_form_reads_the_same(text):
    c = parse_scan(text, rules=RULES)
    assert c.kind == "gs1"
    assert (c.gtin, c.lot, c.serial, c.expiry) == (GTIN, "LOT-42", "SN0001", dt.date(2026, 3, 31))
    assert c.hri() == f"(01){GTIN}(17)260331(10)LOT-42(21)SN0001"


def test_aim_identifier_is_kept_and_not_part_of_the_data():
    c = parse_scan(FORMS["GS1-128 with AIM and GS"])
    assert c.symbology == "]C1"
    assert c.raw.startswith("01" + GTIN)
    assert parse_scan(FORMS["HRI"]).symbology is None


def test_a_scan_object_from_the_scanner_layer():
    scan = make_scan(f"]d201{GTIN}10ABC{GS}30120".encode(), "serial:/dev/ttyACM0")
    c = parse_scan(scan, rules=RULES)
    assert (c.kind, c.symbology, c.gtin, c.lot) == ("gs1", "]d2", GTIN, "ABC")
    assert c.quantity == Quantity(Decimal(120), "pcs", "30")


def test_gs1_databar_with_only_a_gtin():
    c = parse_scan(f"]e001{GTIN}")
    assert (c.kind, c.gtin, c.lot, c.elements) == ("gs1", GTIN, None, {"01": GTIN})


def test_ean13_is_a_bare_gtin_padded_to_14_digits():
    assert parse_scan("]E04012345000108").gtin == GTIN


def test_production_date_best_before_and_sscc():
    c = parse_scan(f"]C100123456789012345675{GS}01{GTIN}1125011515270303")
    assert c.sscc == "123456789012345675"
    assert c.production_date == dt.date(2025, 1, 15)
    assert c.best_before == dt.date(2027, 3, 3)


def test_expiry_day_00_is_the_last_day_of_the_month():
    assert parse_scan(f"]C101{GTIN}17260200").expiry == dt.date(2026, 2, 28)
    assert parse_scan(f"]C101{GTIN}17280200").expiry == dt.date(2028, 2, 29)  # leap year
    assert parse_scan(f"(01){GTIN}(17)261100").expiry == dt.date(2026, 11, 30)


def test_variable_measure_net_weight_3103_in_kg_with_three_decimals():
    c = parse_scan(f"]C101{GTIN}3103001250{GS}10B7")
    assert c.measures == {"3103": Decimal("1.250")}
    assert c.quantity == Quantity(Decimal("1.250"), "kg", "3103")
    assert c.lot == "B7"
    # 3102: two decimals, the same digits are ten times as much
    assert parse_scan(f"]C101{GTIN}3102001250").measures == {"3102": Decimal("12.50")}


def test_quantity_30_and_37():
    assert parse_scan(f"]C101{GTIN}3012").quantity == Quantity(Decimal(12), "pcs", "30")
    c = parse_scan(f"]C101{GTIN}37500{GS}10X1")
    assert c.quantity == Quantity(Decimal(500), "pcs", "37")
    assert c.lot == "X1"
    # a count wins over a measure for the quantity; the measure stays in measures
    c = parse_scan(f"]C101{GTIN}31030020003024")
    assert c.quantity == Quantity(Decimal(24), "pcs", "30")
    assert c.measures == {"3103": Decimal("2.000")}
    # an empty count is refused, not read as 0
    with pytest.raises(ScanError, match=r"the quantity \(AI 30\) is empty"):
        parse_scan(f"]C101{GTIN}30{GS}10X")


def test_lot_of_exactly_20_characters_is_fine():
    lot = "A" * 20
    assert parse_scan(f"]C101{GTIN}10{lot}{GS}21S1").lot == lot


# --------------------------------------------------------------------------- refused GS1


def refused(text, **kw) -> ScanError:
    with pytest.raises(ScanError) as info:
        parse_scan(text, rules=RULES, **kw)
    assert isinstance(info.value, OperatorError)
    return info.value


@pytest.mark.parametrize("text", [
    f"]C101{BAD_GTIN}10LOT",
    f"01{BAD_GTIN}{GS}10LOT",  # no AIM identifier
    f"(01){BAD_GTIN}(10)LOT",  # HRI
], ids=["AIM", "no AIM", "HRI"])
def test_wrong_gtin_check_digit_says_the_expected_digit(text):
    err = refused(text)
    assert err.reason == "check_digit"
    assert "wrong check digit (9, expected 8)" in str(err)
    assert BAD_GTIN in str(err)


def test_wrong_check_digit_of_an_ean13():
    assert "expected 8" in str(refused("]E04012345000109"))


def test_month_13_is_not_a_date():
    err = refused(f"]C101{GTIN}17261315{GS}10LOT")
    assert err.reason == "date" and err.ai == "17"
    assert "expiry date (AI 17) “261315” is not a valid date: there is no month 13" in str(err)


def test_30_february_is_not_a_date():
    err = refused(f"(01){GTIN}(11)260230")
    assert err.reason == "date"
    assert "production date (AI 11)" in str(err) and "month 2 has no day 30" in str(err)


def test_unknown_application_identifier():
    err = refused(f"]C101{GTIN}{GS}0477")
    assert err.reason == "unknown_ai"
    assert "no GS1 application identifier starts at “0477”" in str(err)
    assert refused("(04)12345").reason == "unknown_ai"


def test_truncated_fixed_length_fields():
    err = refused(f"]C101{GTIN}172603")
    assert err.reason == "truncated"
    assert "expiry date (AI 17) needs 6 digits but only 4 were read (“2603”)" in str(err)
    err = refused("]C10104012345")
    assert err.reason == "truncated" and "GTIN (AI 01) needs 14 digits but only 8" in str(err)


def test_lot_longer_than_20_is_refused():
    err = refused(f"]C101{GTIN}10{'A' * 21}")
    assert err.reason == "too_long"
    assert "lot (AI 10) is longer than 20 characters" in str(err)
    assert refused(f"(01){GTIN}(10){'A' * 21}").reason == "too_long"
    # a 20-character lot with the separator to the next field missing
    assert refused(f"]C101{GTIN}10{'A' * 20}21S1").reason == "too_long"


def test_character_outside_the_gs1_set_is_named():
    err = refused(f"]C101{GTIN}10A#B")
    assert err.reason == "format" and "contains “#”" in str(err)


def test_same_ai_twice_with_different_values():
    err = refused(f"]C110A{GS}10B")
    assert err.reason == "duplicate_ai" and "AI 10 appears twice" in str(err)


def test_the_message_shows_what_was_read_with_control_characters_visible():
    err = refused(f"]C101{GTIN}{GS}10AB\x04")
    assert f"Scan “01{GTIN}<GS>10AB<EOT>” refused" in str(err)
    assert err.shown == f"01{GTIN}<GS>10AB<EOT>"
    assert show_code("A\x1dB\x1e\x7f\x01") == "A<GS>B<RS><DEL><0x01>"
    assert show_code("X" * 200).endswith("… (200)")


# --------------------------------------------------------------------------- not GS1 / internal


def test_non_gs1_symbology_is_never_parsed_as_gs1():
    # Code 128 without FNC1 (]C0) and plain Data Matrix (]d1) carrying GS1-looking digits
    for aim in ("]C0", "]d1", "]Q1"):
        err = refused(f"{aim}01{GTIN}")
        assert err.reason == "no_match"
        assert f"it is not a GS1 code ({aim})" in str(err)
        assert "(lot, tool, gauge, badge)" in str(err)


def test_internal_lot_label_with_named_groups():
    c = parse_scan("]C0LBUSH-12/2503-0042", rules=RULES)
    assert (c.kind, c.code_kind) == ("internal", "lot")
    assert c.fields == {"material": "BUSH-12", "lot": "2503-0042"}
    assert c.lot == "2503-0042" and c.gtin is None


def test_internal_rules_first_match_wins_and_match_the_whole_code():
    assert parse_scan("T-0815", rules=RULES).code_kind == "tool"
    assert parse_scan("G012-07", rules=RULES).fields == {"gauge": "012", "cal": "07"}
    assert parse_scan("1001", rules=RULES).code_kind == "badge"
    # a badge is not read as GS1 "(10) lot 01" when the scanner sends no AIM identifier
    assert refused("T-08150").reason == "no_match"  # not a full match of the tool rule


def test_without_rules_a_plain_code_is_refused_or_unknown():
    with pytest.raises(ScanError, match="this station knows no other codes"):
        parse_scan("1001")
    c = parse_scan("1001", strict=False)
    assert (c.kind, c.raw) == ("unknown", "1001")
    # faulty GS1 is refused even when unknown codes are allowed
    with pytest.raises(ScanError):
        parse_scan(f"]C101{BAD_GTIN}", strict=False)


def test_parse_gs1_directly():
    assert parse_gs1(f"01{GTIN}10X").lot == "X"


# --------------------------------------------------------------------------- config of rules


def test_a_bad_regex_in_the_config_is_refused_naming_the_rule():
    with pytest.raises(CodeRulesError) as info:
        CodeRules.from_config([
            {"kind": "lot", "pattern": r"L(?P<lot>\d+)"},
            {"kind": "tool", "name": "tool tags", "pattern": r"T-(?P<tool>\d{4}"},
        ])
    (msg,) = info.value.errors
    assert msg.startswith("code rule 2 (tool tags): pattern 'T-(?P<tool>\\\\d{4}' is not a "
                          "valid regular expression: missing ), unterminated subpattern")


def test_every_config_problem_is_reported_at_once():
    with pytest.raises(CodeRulesError) as info:
        CodeRules.from_config([
            {"kind": "Lot", "pattern": "L.+"},
            {"kind": "tool"},
            {"kind": "any", "pattern": ".*"},
            {"kind": "gauge", "pattern": "G.+", "regex": "x"},
        ])
    errors = info.value.errors
    assert len(errors) == 4
    assert "code rule 1 (Lot): kind must be a lower-case word" in errors[0]
    assert errors[1] == "code rule 2 (tool): pattern is missing"
    assert "code rule 3 (any): pattern '.*' matches an empty code" in errors[2]
    assert "code rule 4 (gauge): unknown key(s) regex" in errors[3]


def test_rules_from_config_know_their_kinds():
    assert RULES.kinds == ["lot", "tool", "gauge", "badge"]
    assert len(CodeRules.from_config(None)) == 0
