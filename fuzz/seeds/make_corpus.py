#!/usr/bin/env python3
"""Writes the seed corpora into fuzz/corpus/<target>/ (git-ignored) from data/ and examples/.

Run from anywhere: python3 fuzz/seeds/make_corpus.py
The saved regressions (fuzz/regressions/<target>/) are copied in too.
"""
import pathlib, shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ = ROOT / "fuzz"
DATA = ROOT / "data"
FILES = ["dataset.toml", "sources.csv", "nodes.csv", "links.csv", "services.csv", "emissions.csv"]
SEP = b"\xff"


def read(name):
    return (DATA / name).read_bytes()


def out(target, name, data):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def dataset(parts):
    """parts: dict file name -> bytes; missing ones empty (= embedded default)."""
    return SEP.join(parts.get(f, b"") for f in FILES)


def sub(text, old, new, count=1):
    assert old in text, old
    return text.replace(old, new, count)


for t in ["dataset", "simulation_toml", "demand_table", "parsers"]:
    src = FUZZ / "regressions" / t
    for f in sorted(src.iterdir()) if src.is_dir() else []:
        if f.is_file():
            out(t, "regression-" + f.name, f.read_bytes())

# --- dataset ---------------------------------------------------------------------------
real = {f: read(f) for f in FILES}
out("dataset", "all-six-real", dataset(real))
out("dataset", "all-default", b"")
out("dataset", "all-default-separators", SEP * 5)
nodes = real["nodes.csv"]
nodes_variants = {
    "nodes-real": nodes,
    "nodes-dwell-fixed": sub(nodes, b"lognormal(p50=24h; p90=72h)", b"fixed(0h)"),
    "nodes-dwell-tri": sub(nodes, b"lognormal(p50=20h; p90=60h)", b"tri(1h; 2h; 6h)"),
    "nodes-dwell-empirical": sub(nodes, b"lognormal(p50=48h; p90=96h)", b"empirical(2h:0.5; 3h:0.5)"),
    "nodes-capacity-tiny": sub(nodes, b"19 trains/d", b"0.001 trains/d"),
    "nodes-capacity-teu-day": sub(nodes, b"760 TEU/d", b"1 TEU/d"),
    "nodes-capacity-wagons": sub(nodes, b"19 trains/d", b"65 wagons/d"),
    "nodes-handling-teu": sub(nodes, b"175 USD/FEU", b"90 USD/TEU"),
    "nodes-crlf": nodes.replace(b"\n", b"\r\n"),
    "nodes-no-comments": b"\n".join(l for l in nodes.split(b"\n") if not l.startswith(b"#")),
    "nodes-header-only": b"\n".join(l for l in nodes.split(b"\n") if l.startswith(b"#") or l.startswith(b"id,")) ,
}
for name, n in nodes_variants.items():
    out("dataset", name, dataset({"nodes.csv": n}))
# A few seeds that change one other file.
svc = real["services.csv"]
out("dataset", "services-real", dataset({"services.csv": svc}))
out("dataset", "services-daily", dataset({"services.csv": sub(svc, b"weekly(Fri 18:00)", b"daily(08:00; 20:00)")}))
out("dataset", "services-every-offset", dataset({"services.csv": sub(svc, b"every(22h)", b"every(12h; 06:00)")}))
out("dataset", "services-hold", dataset({"services.csv": sub(svc, b"72h", b"3d")}))
links = real["links.csv"]
out("dataset", "links-real", dataset({"links.csv": links}))
out("dataset", "links-nm", dataset({"links.csv": sub(links, b"2930 km", b"1582 nm")}))
out("dataset", "links-fixed-time", dataset({"links.csv": sub(links, b"by_speed(p50=900km/d; p90=692km/d)", b"fixed(72h)")}))
out("dataset", "emissions-real", dataset({"emissions.csv": real["emissions.csv"]}))
out("dataset", "emissions-kg", dataset({"emissions.csv": sub(real["emissions.csv"], b"27.79 g/tkm", b"0.02779 kg/tkm")}))
out("dataset", "toml-real", dataset({"dataset.toml": real["dataset.toml"]}))
out("dataset", "toml-one-od", dataset({"dataset.toml": sub(sub(real["dataset.toml"],
    b'origins = ["CN-XIAN", "CN-CHONGQING", "CN-CHENGDU", "CN-ZHENGZHOU", "CN-YIWU", "CN-URUMQI", "CN-LIANYUNGANG", "CN-SHANGHAI"]',
    b'origins = ["CN-SHANGHAI"]'),
    b'destinations = ["DE-DUISBURG", "PL-MALASZEWICZE", "HU-BUDAPEST", "NL-ROTTERDAM", "DE-HAMBURG", "GR-PIRAEUS", "IR-TEHRAN", "AZ-ALAT", "TR-ISTANBUL", "RO-CONSTANTA"]',
    b'destinations = ["NL-ROTTERDAM"]')}))

# --- simulation_toml -------------------------------------------------------------------
sim = read("simulation.toml")
out("simulation_toml", "simulation-real", sim)
out("simulation_toml", "simulation-breakdown", sim + b"""
[[breakdown]]
target = "KZ-DOSTYK"
mtbf_days = 30.0
repair_p50_h = 6.0
repair_p90_h = 24.0
src = "E-LOGIT"
""")
out("simulation_toml", "simulation-no-weather",
    b"\n".join(l for l in sim.split(b"\n") if not l.startswith(b"#")).split(b"[[weather]]")[0]
    + b"[choice]\nvalue_of_time_usd_per_teu_day = 60.0\ncarbon_usd_per_t = 0.0\nscale_usd = 400.0\nchoice_src = \"E-LOGIT\"\n")
# Without the optional [seasonality] table: drop it up to the next table header.
start = sim.index(b"[seasonality]")
end = sim.index(b"\n[", start + 1)
out("simulation_toml", "simulation-no-seasonality", sim[:start] + sim[end + 1:])

# --- demand_table ----------------------------------------------------------------------
dem = read("demand.csv")
out("demand_table", "demand-real", dem)
out("demand_table", "demand-2030", (ROOT / "examples" / "demand-2030.csv").read_bytes())
out("demand_table", "demand-minimal", b"from,to,teu_per_year,src\nCN-XIAN,DE-DUISBURG,1000,S31\n")
out("demand_table", "demand-tonnes", b"from,to,tonnes_per_year,corridor,src\nCN-XIAN,AZ-ALAT,5000,middle_btk,S10\n")
out("demand_table", "demand-crlf", dem.replace(b"\n", b"\r\n"))

# --- parsers ---------------------------------------------------------------------------
parsers = [
    "lognormal(p50=24h; p90=72h)", "lognormal(p50=24h, p90=72h)", "tri(1h; 2h; 6h)",
    "triangular(1h, 2h, 6h)", "fixed(4h)", "fixed(90min)", "empirical(2h:0.5; 3h:0.5)",
    "empirical(2h; 3h; 10h)", "by_speed(p50=700km/d; p90=540km/d)", "by_speed(p50=40km/h; p90=30km/h)",
    "every(12h; 06:00)", "every(2.3h)", "daily(08:00; 20:00)", "weekly(Mon 08:00; Thu 20:00)",
    "2026-03-03", "2026-03-03 08:00", "19 trains/d", "845 trains/yr", "5 Mt/yr", "89_000 TEU/yr",
    "760 TEU/d", "65 wagons/d", "0.61 USD/FEU-km", "1000 USD/FEU", "90 USD/TEU", "0.3 USD/TEU-km",
    "55 FEU", "225 TEU", "54 wagons", "5250 t", "508 km", "10600 nm", "27.79 g/tkm", "0.028 kg/tkm",
    "72h", "3d", "1.25 103.8; 12.6 43.3", "2.5d", "1e2h",
]
for i, p in enumerate(parsers):
    out("parsers", "seed-%02d" % i, p.encode())
