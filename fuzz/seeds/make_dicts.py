#!/usr/bin/env python3
"""Writes fuzz/dict/<target>.dict (libFuzzer format) from the grammar's words."""
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parents[1]

UNITS = ["h", "min", "d", "km", "nm", "km/d", "km/h", "Mt/yr", "TEU/yr", "TEU/d", "trains/d",
         "trains/yr", "wagons/d", "TEU", "FEU", "wagons", "t", "USD/FEU", "USD/TEU", "USD/FEU-km",
         "USD/TEU-km", "g/tkm", "kg/tkm"]
FUNCS = ["fixed(", "tri(", "triangular(", "lognormal(", "empirical(", "by_speed(", "daily(",
         "weekly(", "every(", "p50=", "p90=", ")", "; ", ", ", ":"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
NUMS = ["0", "1", "1e-9", "1e300", "1e308", "-0", "0.5", "1_000", "NaN", "inf", "-inf", "1e-320",
        "9999-12-31", "1970-01-01", "2200-12-31", "2024-02-29", "2026-03-03", "00:00", "23:59",
        "24:00", "08:00", "365d", "8760h"]
NODE_COLS = ["id", "name", "aliases", "country", "kind", "lat", "lon", "coord_src", "gauges",
             "dwell", "dwell_src", "handling", "handling_src", "capacity", "capacity_src", "note"]
LINK_COLS = ["id", "from", "to", "mode", "gauge", "traction", "traction_src", "countries",
             "corridors", "distance", "distance_src", "time", "time_src", "capacity",
             "capacity_src", "tariff", "tariff_src", "waypoints", "waypoints_src", "note"]
SERVICE_COLS = ["id", "link", "direction", "kind", "operator", "schedule", "schedule_src",
                "payload", "payload_src", "rule", "max_hold", "max_hold_src", "note"]
EMISSION_COLS = ["id", "mode", "traction", "service_kind", "ttw", "ttw_src", "wtw", "wtw_src", "note"]
SOURCE_COLS = ["id", "kind", "title", "year", "url", "note"]
ENUMS = ["inland_terminal", "dry_port", "border_crossing", "gauge_change", "seaport", "hub",
         "junction", "rail", "road", "caspian_ferry", "black_sea_ferry", "lake_ferry", "deep_sea",
         "electric", "diesel", "block_train", "ferry", "feeder", "liner", "window", "fixed",
         "when_full", "forward", "backward", "both", "published", "secondary", "anecdotal",
         "derived", "estimate", "1435", "1520", "1435;1520"]
CORRIDORS = ["middle_btk", "middle_black_sea", "northern", "southern", "sea_suez", "sea_cape"]
IDS = ["CN-XIAN", "CN-SHANGHAI", "CN-URUMQI", "KZ-DOSTYK", "KZ-ALTYNKOL", "AZ-ALAT",
       "DE-DUISBURG", "NL-ROTTERDAM", "TR-ISTANBUL", "L-XIAN-URUMQI", "S-XIAN-WEST",
       "S1", "S10", "S31", "E-LOGIT", "D-DIST", "E-COORD"]
DATASET_TOML = ["name", "version", "description", "[[corridor]]", "key", "[connectivity]",
                "origins", "destinations", "[cargo]", "tonnes_per_teu", "tonnes_per_teu_src"]
SIM_TOML = ["[units]", "teu_per_wagon", "teu_per_wagon_src", "teu_per_train", "teu_per_train_src",
            "tonnes_per_wagon", "tonnes_per_wagon_src", "[seasonality]", "containers",
            "wagonload", "src", "[[weather]]", "mode", "closed_share", "closed_share_src",
            "episode_p50_h", "episode_p90_h", "episode_src", "[[breakdown]]", "target",
            "mtbf_days", "repair_p50_h", "repair_p90_h", "[choice]",
            "value_of_time_usd_per_teu_day", "carbon_usd_per_t", "scale_usd", "choice_src"]
TOML_SYNTAX = [" = ", "\"", "[", "]", "[[", "]]", "\n", "#", "true", "1e308", "-1.0", "nan",
               "inf", "1_000.0", "'''", "\"\"\"", "{", "}", "= [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]"]
DEMAND_COLS = ["from", "to", "teu_per_year", "tonnes_per_year", "corridor", "src", "note"]
CSV_SYNTAX = [",", "\n", "\r\n", "\"", ";", "#", b"\xef\xbb\xbf"]


def esc(w) -> str:
    """Words given as bytes are written as is (0xFF, a BOM); str words as UTF-8."""
    out = []
    for b in (w if isinstance(w, bytes) else w.encode("utf-8")):
        c = chr(b)
        if c in "\\\"" or b < 0x20 or b >= 0x7F:
            out.append("\\x%02X" % b)
        else:
            out.append(c)
    return "".join(out)


def write(target, words):
    seen, lines = set(), ["# libFuzzer dictionary for the `%s` target (fuzz/seeds/make_dicts.py)." % target]
    for w in words:
        if w not in seen:
            seen.add(w)
            lines.append('"%s"' % esc(w))
    (FUZZ / "dict").mkdir(exist_ok=True)
    (FUZZ / "dict" / f"{target}.dict").write_text("\n".join(lines) + "\n")


FIELD = UNITS + FUNCS + DAYS + NUMS
write("parsers", FIELD + ["-", " "])
write("dataset", [b"\xff"] + FIELD + NODE_COLS + LINK_COLS + SERVICE_COLS + EMISSION_COLS
      + SOURCE_COLS + ENUMS + CORRIDORS + IDS + DATASET_TOML + TOML_SYNTAX + CSV_SYNTAX)
write("simulation_toml", SIM_TOML + TOML_SYNTAX + ["caspian_ferry", "black_sea_ferry", "rail",
      "deep_sea", "lake_ferry"] + IDS + ["S-AKTAU-ALAT-FERRY", "0.0", "1e5", "1e6", "0.01"])
write("demand_table", DEMAND_COLS + CSV_SYNTAX + CORRIDORS + IDS + NUMS + [b"\x00", b"\xff"])
