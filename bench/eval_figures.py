"""Precision, recall and F1 of figure extraction against the labelled sample, per family.

Usage::

    python bench/eval_figures.py [--gold bench/gold_figures.csv] [--raw-dir data/raw] [--errors]
    python bench/eval_figures.py --heldout bench/gold_figures_heldout2.csv --by-batch --heldout-only
    python bench/eval_figures.py --real-only [--real bench/gold_figures_real_b2.csv] [--errors]
    python bench/eval_figures.py --real-only --real-dir FOLDER --real bench/gold_figures_fresh.csv

Real report pages (``../shared/real-reports/``, outside the repository) are scored per label
batch (``bench/gold_figures_real_b*.csv``) and pooled, with role agreement on matches; the
step is skipped with a message when the folder is absent (``--no-real`` skips it too).

One batch of a folder, without the seeds' held-out files::

    python bench/eval_figures.py --raw-dir ../shared/real-reports \
        --gold bench/gold_figures_real_b1.csv --docs 'real(01|04|07)_' --no-heldout --no-baselines

Held-out files (``--heldout``, repeatable; default: every ``gold_figures_heldout*.csv`` here)
hold one sentence per ``sentence_id`` with labels as offsets into the sentence as written
(Traditional characters and full-width digits included). Each sentence goes through the
pipeline's cleaning (``normalize_document``) before extraction, and predicted spans are mapped
back to the written sentence, so Traditional text is scored the way the pipeline sees it.

In the same run, on the same clean paragraphs, it scores JioNLP ``ner.extract_money`` on the
funding rows and the Recognizers-Text percentage recogniser on the rate rows (``%`` and
``个百分点``). Both come from the optional ``bench`` extra (``pip install -e .[bench]``); the
script stops with a clear message when they are missing.

A predicted figure matches a gold row when they are in the same document, their raw spans
overlap and their values are equal (one-to-one, per family). Gold rows that fall in a
paragraph the cleaning stage marks boilerplate or duplicate are not expected and are left
out of recall (their count is printed).
"""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.aligned import AlignedText
from helpers.figures import FAMILIES, extract_figures
from helpers.load import load_documents

GOLD_PATH = Path(__file__).resolve().parent / "gold_figures.csv"
# Real report pages (a development corpus kept outside the repository) and their hand labels,
# one file per batch: scored when the folder is there, skipped with a message otherwise.
REAL_DIR = paths.PROJECT_ROOT.parent / "shared" / "real-reports"
REAL_GLOB = "gold_figures_real_b*.csv"
# The real pages were labelled in three batches by page number: realNN goes to batch
# ((NN - 1) mod 3) + 1 (real01, real04, ... in b1). A page of a batch with no label still
# counts: every figure predicted there is a false positive.
REAL_BATCHES = 3
# Sentences written in the style of county reports (not from the seeds), labelled before the
# extractor ever ran on them: a check that the rules generalise beyond the seed files.
HELDOUT_PATH = Path(__file__).resolve().parent / "gold_figures_heldout.csv"
HELDOUT_GLOB = "gold_figures_heldout*.csv"
RATE_UNITS = ("%", "个百分点")


# --- preparing paragraphs the way the pipeline does ---------------------------------------


def prepare_document(doc_id: str, raw: str) -> tuple[pd.DataFrame, dict, pd.DataFrame | None]:
    """Paragraph rows, ``(doc_id, para_id) -> AlignedText`` and articles for one raw document.

    Uses ``helpers.segment`` when it exists; otherwise the normaliser plus one paragraph per
    line, with exact repeats inside the document marked duplicate.
    """
    try:
        from helpers.normalize import normalize_document
    except ImportError:  # pragma: no cover - before the cleaning stage landed
        normalize_document = None
    try:
        from helpers.segment import segment_document
    except ImportError:
        segment_document = None

    if normalize_document is not None and segment_document is not None:
        seg = segment_document(doc_id, normalize_document(raw))
        paras = seg.paragraphs.copy()
        para_text = {(doc_id, pid): at for pid, at in seg.para_text.items()}
        for col in ("is_boilerplate", "is_duplicate"):
            if col not in paras:
                paras[col] = False
        return paras, para_text, seg.articles

    if normalize_document is not None:
        aligned = normalize_document(raw).aligned
    else:
        from helpers.script import convert_aligned_to_simplified

        aligned, _ = convert_aligned_to_simplified(AlignedText.from_raw(raw))
    rows, para_text, seen = [], {}, set()
    pos = 0
    for pid, line in enumerate(aligned.text.split("\n")):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        key = re.sub(r"\s+", "", line)
        rows.append(
            dict(doc_id=doc_id, article_id=0, para_id=pid, text=line,
                 is_boilerplate=False, is_duplicate=key in seen)
        )  # fmt: skip
        seen.add(key)
        para_text[(doc_id, pid)] = aligned.slice(a, b)
    return pd.DataFrame(rows), para_text, None


def load_corpus(raw_dir: Path) -> tuple[pd.DataFrame, dict, dict[str, str], pd.DataFrame | None]:
    """All documents of ``raw_dir`` prepared: paragraphs, aligned texts, raw texts, articles."""
    frames, arts, para_text, raws = [], [], {}, {}
    for doc in load_documents(raw_dir):
        if not doc.ok:
            continue
        paras, texts, articles = prepare_document(doc.doc_id, doc.text)
        frames.append(paras)
        if articles is not None:
            arts.append(articles)
        para_text.update(texts)
        raws[doc.doc_id] = doc.text
    articles = pd.concat(arts, ignore_index=True) if arts else None
    return pd.concat(frames, ignore_index=True), para_text, raws, articles


def paragraph_spans(paras: pd.DataFrame, para_text: dict) -> pd.DataFrame:
    """Raw span of every paragraph, with its usable flag."""
    out = []
    for r in paras.itertuples(index=False):
        at = para_text.get((r.doc_id, r.para_id))
        if at is None or not len(at):
            continue
        a, b = at.raw_span(0, len(at))
        usable = not (bool(r.is_boilerplate) or bool(r.is_duplicate))
        out.append(dict(doc_id=r.doc_id, para_id=r.para_id, raw_start=a, raw_end=b, usable=usable))
    return pd.DataFrame(out)


# --- scoring ------------------------------------------------------------------------------


def _values_equal(a: float, b: float) -> bool:
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("1e-6") * max(1, abs(Decimal(str(b))))


def match(pred: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred_index, gold_index)``: same doc, overlapping spans, equal value."""
    pairs, used = [], set()
    for gi, g in gold.iterrows():
        cands = pred[
            (pred.doc_id == g.doc_id) & (pred.raw_start < g.raw_end) & (pred.raw_end > g.raw_start)
        ]
        for pi, p in cands.iterrows():
            if pi in used or not _values_equal(p.value, g.value):
                continue
            pairs.append((pi, gi))
            used.add(pi)
            break
    return pairs


def prf(n_pred: int, n_gold: int, n_match: int) -> tuple[float, float, float]:
    p = n_match / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = n_match / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_families(pred: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Per-family precision/recall/F1 (family must agree), plus metric agreement on matches."""
    rows = []
    for fam in FAMILIES:
        p, g = pred[pred.family == fam], gold[gold.family == fam]
        pairs = match(p, g)
        metric_ok = sum(pred.loc[pi, "metric"] == gold.loc[gi, "metric"] for pi, gi in pairs)
        prec, rec, f1 = prf(len(p), len(g), len(pairs))
        rows.append(dict(family=fam, gold=len(g), predicted=len(p), matched=len(pairs),
                         precision=prec, recall=rec, f1=f1,
                         metric_agree=metric_ok / len(pairs) if pairs else float("nan")))  # fmt: skip
    return pd.DataFrame(rows)


def attribute_agreement(pred: pd.DataFrame, gold: pd.DataFrame) -> dict[str, float]:
    """Share of matched figures whose flags/attributes agree with the gold labels."""
    pairs = []
    for fam in FAMILIES:
        p, g = pred[pred.family == fam], gold[gold.family == fam]
        pairs += match(p, g)
    out = {}
    for col in ("is_change", "planned", "per_capita", "approx", "stage"):
        if col in gold:
            ok = sum(_same(pred.loc[pi, col], gold.loc[gi, col]) for pi, gi in pairs)
            out[col] = ok / len(pairs) if pairs else float("nan")
    return out


def _same(a, b) -> bool:
    if isinstance(b, str) or isinstance(a, str):
        return str("" if pd.isna(a) else a) == str("" if pd.isna(b) else b)
    return bool(a) == bool(b)


# --- the two reference tools --------------------------------------------------------------


def load_baselines():
    """Import JioNLP and Recognizers-Text, or exit with a message saying how to get them."""
    try:
        import jionlp  # noqa: F401
    except ImportError:
        sys.exit("JioNLP is missing: pip install -e '.[bench]' (jionlp==1.5.31) to run this bench.")
    try:
        import emoji

        # recognizers-text 1.0.2a2 imports emoji.UNICODE_EMOJI, which emoji>=2 renamed to
        # EMOJI_DATA (and jionlp needs emoji>=2): give the old name the same table.
        if not hasattr(emoji, "UNICODE_EMOJI") and hasattr(emoji, "EMOJI_DATA"):
            emoji.UNICODE_EMOJI = dict(emoji.EMOJI_DATA)
        from recognizers_number import recognize_percentage  # noqa: F401
        from recognizers_text import Culture  # noqa: F401
    except ImportError:
        sys.exit(
            "Recognizers-Text is missing: pip install -e '.[bench]' "
            "(recognizers-text-suite==1.0.2a2) to run this bench."
        )


def jionlp_money(paras: pd.DataFrame, para_text: dict, usable: set) -> pd.DataFrame:
    """JioNLP ``extract_money`` over the same clean paragraphs, mapped to raw offsets."""
    import jionlp as jio

    out = []
    for r in paras.itertuples(index=False):
        if (r.doc_id, r.para_id) not in usable:
            continue
        at = para_text[(r.doc_id, r.para_id)]
        for hit in jio.ner.extract_money(at.text, with_parsing=True):
            num = hit["detail"]["num"]
            num = num[0] if isinstance(num, list) else num
            if hit["detail"].get("case") not in ("元", None):
                continue  # other currencies do not occur in the sample
            a, b = at.raw_span(*hit["offset"])
            out.append(
                dict(doc_id=r.doc_id, raw_start=a, raw_end=b, value=float(num), family="funding")
            )
    return pd.DataFrame(out, columns=["doc_id", "raw_start", "raw_end", "value", "family"])


def recognizers_percent(paras: pd.DataFrame, para_text: dict, usable: set) -> pd.DataFrame:
    """Recognizers-Text percentages over the same clean paragraphs, mapped to raw offsets."""
    from recognizers_number import recognize_percentage
    from recognizers_text import Culture

    out = []
    for r in paras.itertuples(index=False):
        if (r.doc_id, r.para_id) not in usable:
            continue
        at = para_text[(r.doc_id, r.para_id)]
        for hit in recognize_percentage(at.text, Culture.Chinese):
            value = str((hit.resolution or {}).get("value", "")).rstrip("%")
            try:
                v = float(value)
            except ValueError:
                continue
            a, b = at.raw_span(hit.start, hit.end + 1)  # Recognizers' end is inclusive
            out.append(dict(doc_id=r.doc_id, raw_start=a, raw_end=b, value=v, family="rate"))
    return pd.DataFrame(out, columns=["doc_id", "raw_start", "raw_end", "value", "family"])


def heldout_baselines(path: Path) -> pd.DataFrame:
    """JioNLP money and Recognizers-Text percentages against the held-out sentences.

    All three tools read the same cleaned sentence (as in the pipeline) and their spans are
    mapped back to the sentence as written; rates are the labelled spans with %, 百分, ‰ or 千分."""
    import jionlp as jio
    from recognizers_number import recognize_percentage
    from recognizers_text import Culture

    from helpers.normalize import normalize_document

    gold = pd.read_csv(
        path, dtype={"sentence_id": str, "sentence": str, "family": str, "metric": str, "text": str}
    )
    labelled = gold[gold.family.notna()]
    cols = ["doc_id", "raw_start", "raw_end", "value", "family"]
    g_money = labelled[labelled.text.str.contains("元", na=False)]
    g_rate = labelled[labelled.text.str.contains("%|％|百分|‰|千分", na=False)]

    def frame(rows):
        return pd.DataFrame(rows, columns=cols)

    ours_m, ours_r, jio_m, rec_r = [], [], [], []
    for sid, grp in gold.groupby("sentence_id", sort=True):
        sentence = grp.sentence.iloc[0]
        for f in clean_sentence_figures(sentence):
            row = (sid, f["start"], f["end"], float(f["value"]), "x")
            (ours_m if f["unit"] == "元" else ours_r if f["unit"] in RATE_UNITS else []).append(row)
        aligned = normalize_document(sentence).aligned
        clean = aligned.text
        for hit in jio.ner.extract_money(clean, with_parsing=True):
            num = hit["detail"]["num"]
            a, b = aligned.raw_span(*hit["offset"])
            jio_m.append((sid, a, b, float(num[0] if isinstance(num, list) else num), "x"))
        for hit in recognize_percentage(clean, Culture.Chinese):
            try:
                v = float(str((hit.resolution or {}).get("value", "")).rstrip("%"))
            except ValueError:
                continue
            a, b = aligned.raw_span(hit.start, hit.end + 1)
            rec_r.append((sid, a, b, v, "x"))

    def as_gold(g):
        return frame(
            [(r.sentence_id, int(r.start), int(r.end), float(r.value), "x") for r in g.itertuples()]
        )

    rows = []
    for name, target, p, g in (
        ("helpers.figures", "money", ours_m, g_money), ("jionlp.extract_money", "money", jio_m, g_money),
        ("helpers.figures", "rates", ours_r, g_rate), ("recognizers-text percentage", "rates", rec_r, g_rate),
    ):  # fmt: skip
        pf, gf = frame(p), as_gold(g)
        n = len(match(pf, gf))
        rows.append((name, target, len(pf), n, *prf(len(pf), len(gf), n)))
    return pd.DataFrame(
        rows, columns=["extractor", "target", "predicted", "matched", "precision", "recall", "f1"]
    )


def clean_sentence_figures(sentence: str) -> list[dict]:
    """Figures of one written sentence as the pipeline finds them: cleaned (width, Traditional
    to Simplified...) first, spans mapped back to the sentence as written."""
    from helpers.figures import extract_paragraph_figures
    from helpers.normalize import normalize_document

    aligned = normalize_document(sentence).aligned
    out = []
    for f in extract_paragraph_figures(aligned.text):
        a, b = aligned.raw_span(f["start"], f["end"])
        out.append({**f, "start": a, "end": b, "text": sentence[a:b]})
    return out


def score_heldout(path: Path, errors: bool = False, batch=None) -> pd.DataFrame:
    """Per-family P/R/F1 on held-out sentences (one batch when ``batch`` is given)."""
    gold = pd.read_csv(
        path, dtype={"sentence_id": str, "sentence": str, "family": str, "metric": str}
    )
    if batch is not None:
        gold = gold[gold.batch.astype(str) == str(batch)]
    preds, golds = [], []
    for sid, grp in gold.groupby("sentence_id", sort=True):
        sentence = grp.sentence.iloc[0]
        for f in clean_sentence_figures(sentence):
            preds.append(dict(doc_id=sid, raw_start=f["start"], raw_end=f["end"], value=float(f["value"]),
                              family=f["family"], metric=f["metric"], text=f["text"]))  # fmt: skip
        for g in grp[grp.family.notna()].itertuples():
            golds.append(dict(doc_id=sid, raw_start=int(g.start), raw_end=int(g.end), value=float(g.value),
                              family=g.family, metric=g.metric, text=g.text))  # fmt: skip
    pred = pd.DataFrame(
        preds, columns=["doc_id", "raw_start", "raw_end", "value", "family", "metric", "text"]
    )
    gold_df = pd.DataFrame(golds, columns=pred.columns)
    if errors:
        for fam in FAMILIES:
            p, g = pred[pred.family == fam], gold_df[gold_df.family == fam]
            pairs = match(p, g)
            for i in p.index.difference([a for a, _ in pairs]):
                print(
                    f"HELDOUT FP {fam:10s} #{pred.loc[i, 'doc_id']} {pred.loc[i, 'text']!r} {pred.loc[i, 'metric']}"
                )
            for i in g.index.difference([b for _, b in pairs]):
                print(
                    f"HELDOUT FN {fam:10s} #{gold_df.loc[i, 'doc_id']} {gold_df.loc[i, 'text']!r} {gold_df.loc[i, 'metric']}"
                )
    return score_families(pred, gold_df)


def report_heldout(path: Path, errors: bool, by_batch: bool) -> None:
    """Print the held-out scores of one file, pooled and (``by_batch``) per batch."""
    held = score_heldout(path, errors=errors)
    print(f"\nheld-out sentences ({path.name}, not from the seeds)")
    print(held.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if by_batch:
        batches = pd.read_csv(path, usecols=["batch"]).batch.astype(str).unique()
        for b in sorted(batches, key=lambda x: (len(x), x)):
            t = score_heldout(path, batch=b)
            cells = [f"{r.family} P={r.precision:.2f} ({r.matched}/{r.predicted}) R={r.recall:.2f} ({r.matched}/{r.gold})"
                     for r in t.itertuples()]  # fmt: skip
            print(f"  batch {b}: " + "; ".join(cells))


# --- real report pages --------------------------------------------------------------------


def load_real_gold(path: Path) -> pd.DataFrame:
    """One batch of real-page labels: ``doc_id`` (or ``file``), raw span, family, value, role."""
    gold = pd.read_csv(path, dtype={"doc_id": str, "file": str, "metric": str, "stage": str,
                                    "role": str, "metric_raw": str, "raw_text": str})  # fmt: skip
    if "doc_id" not in gold and "file" in gold:
        gold["doc_id"] = gold["file"].str.removesuffix(".txt")
    gold["doc_id"] = gold["doc_id"].str.removesuffix(".txt")
    gold = gold[gold.family.notna() & gold.value.notna()].copy()
    gold["raw_start"] = gold["raw_start"].astype(int)
    gold["raw_end"] = gold["raw_end"].astype(int)
    gold["value"] = gold["value"].astype(float)
    gold["batch"] = path.stem.rsplit("_", 1)[-1]
    return gold.reset_index(drop=True)


def real_batch_docs(doc_ids, batch: str) -> set[str]:
    """The pages of batch ``b1``/``b2``/``b3`` (see :data:`REAL_BATCHES`); for a label file of
    any other name (``gold_figures_fresh.csv``), every page of the folder it labels."""
    if not re.fullmatch(r"b[0-9]+", batch):
        return set(doc_ids)
    k = int(batch.removeprefix("b"))
    out = set()
    for d in doc_ids:
        m = re.match(r"real([0-9]+)_", d)
        if m and (int(m.group(1)) - 1) % REAL_BATCHES + 1 == k:
            out.add(d)
    return out


def role_agreement(pred: pd.DataFrame, gold: pd.DataFrame) -> tuple[int, int]:
    """(matched figures whose ``role`` agrees with the label, matched figures with a label)."""
    ok = n = 0
    for fam in FAMILIES:
        for pi, gi in match(pred[pred.family == fam], gold[gold.family == fam]):
            want = gold.loc[gi].get("role")
            if isinstance(want, str) and want:
                n += 1
                ok += str(pred.loc[pi].get("role", "")) == want
    return ok, n


def print_real_errors(pred: pd.DataFrame, gold: pd.DataFrame) -> None:
    """False positives and misses of one batch (raw excerpts only, never whole sentences)."""
    for fam in FAMILIES:
        p, g = pred[pred.family == fam], gold[gold.family == fam]
        pairs = match(p, g)
        for i in p.index.difference([a for a, _ in pairs]):
            r = pred.loc[i]
            print(f"  FP {fam:10s} {r.doc_id[:6]} {r.raw_start} {r.raw_text!r} {r.metric} "
                  f"role={r.get('role', '')}")  # fmt: skip
        for i in g.index.difference([b for _, b in pairs]):
            r = gold.loc[i]
            print(f"  FN {fam:10s} {r.doc_id[:6]} {r.raw_start} {r.raw_text!r} {r.metric} "
                  f"role={r.get('role', '')}")  # fmt: skip


def score_real(real_dir: Path, gold_paths: list[Path], errors: bool) -> pd.DataFrame | None:
    """Per-family P/R/F1 of each labelled batch of real pages, then pooled; role agreement."""
    if not real_dir.is_dir():
        print(f"\nreal pages: {real_dir} not found, skipped")
        return None
    if not gold_paths:
        print(f"\nreal pages: no {REAL_GLOB} labels in bench/, skipped")
        return None
    paras, para_text, raws, _ = load_corpus(real_dir)
    paras = paras.assign(is_boilerplate=paras["is_boilerplate"].astype(bool))
    pred = extract_figures(paras, para_text, raws).reset_index(drop=True)
    bad = sum(raws[p.doc_id][p.raw_start : p.raw_end] != p.raw_text for p in pred.itertuples())
    print(f"\nreal pages ({len(raws)} files): {len(pred)} figures; raw_text != raw slice: {bad}")
    golds = [load_real_gold(p) for p in gold_paths]
    tables = []
    pooled = [pd.concat(golds, ignore_index=True)] if len(golds) > 1 else []
    for gold in [*golds, *pooled]:
        name = gold.batch.iloc[0] if gold.batch.nunique() == 1 else "pooled"
        docs = set(gold.doc_id).union(*(real_batch_docs(raws, b) for b in gold.batch.unique()))
        p = pred[pred.doc_id.isin(docs)].reset_index(drop=True)
        slips = sum(raws.get(g.doc_id, "")[g.raw_start : g.raw_end] != g.raw_text
                    for g in gold.itertuples() if isinstance(g.raw_text, str))  # fmt: skip
        table = score_families(p, gold).assign(batch=name)
        ok, n = role_agreement(p, gold)
        print(f"\nreal pages, batch {name} ({len(docs)} files, {len(gold)} labels, "
              f"{slips} labels whose raw_text != raw slice); role agrees on {ok}/{n} matches")  # fmt: skip
        print(table.drop(columns="batch").to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        if errors and name != "pooled":
            print_real_errors(p, gold)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD_PATH)
    ap.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    ap.add_argument("--errors", action="store_true", help="list false positives and misses")
    ap.add_argument("--no-baselines", action="store_true", help="skip JioNLP/Recognizers-Text")
    ap.add_argument(
        "--heldout",
        type=Path,
        action="append",
        help=f"held-out sentence file (repeatable; default: every {HELDOUT_GLOB} in bench/)",
    )
    ap.add_argument(
        "--by-batch", action="store_true", help="also score each held-out batch on its own"
    )
    ap.add_argument("--heldout-only", action="store_true", help="skip the seed corpus")
    ap.add_argument("--no-heldout", action="store_true", help="score only --gold")
    ap.add_argument(
        "--docs",
        metavar="REGEX",
        help="score only documents whose id matches REGEX (one batch of a larger folder)",
    )
    ap.add_argument("--real-dir", type=Path, default=REAL_DIR, help="real report pages")
    ap.add_argument(
        "--real", type=Path, action="append",
        help=f"real-page label batch (repeatable; default: every {REAL_GLOB} in bench/)",
    )  # fmt: skip
    ap.add_argument("--real-only", action="store_true", help="only the real report pages")
    ap.add_argument("--no-real", action="store_true", help="skip the real report pages")
    args = ap.parse_args(argv)
    real = args.real or sorted(GOLD_PATH.parent.glob(REAL_GLOB))
    if args.real_only:
        score_real(args.real_dir, real, args.errors)
        return 0
    heldout = args.heldout or sorted(HELDOUT_PATH.parent.glob(HELDOUT_GLOB))
    if args.no_heldout:
        heldout = []
    if args.heldout_only:
        for path in heldout:
            report_heldout(path, args.errors, args.by_batch)
        return 0
    if not args.no_real:
        score_real(args.real_dir, real, args.errors)
    if not args.no_baselines:
        load_baselines()

    paras, para_text, raws, _articles = load_corpus(args.raw_dir)
    gold_all = pd.read_csv(args.gold, dtype={"doc_id": str, "metric": str, "stage": str})
    if args.docs:
        keep_docs = {d for d in raws if re.match(args.docs, d)}
        paras = paras[paras.doc_id.isin(keep_docs)].reset_index(drop=True)
        para_text = {k: v for k, v in para_text.items() if k[0] in keep_docs}
        raws = {k: v for k, v in raws.items() if k in keep_docs}
    spans = paragraph_spans(paras, para_text)
    gold_all = gold_all[gold_all.doc_id.isin(raws)]
    bad = [
        g for g in gold_all.itertuples() if raws[g.doc_id][g.raw_start : g.raw_end] != g.raw_text
    ]
    if bad:
        print(f"WARNING: {len(bad)} gold rows whose raw_text differs from the raw slice")

    def usable(g) -> bool:
        s = spans[
            (spans.doc_id == g.doc_id)
            & (spans.raw_start <= g.raw_start)
            & (spans.raw_end >= g.raw_end)
        ]
        return bool(len(s)) and bool(s.usable.all())

    keep = gold_all.apply(usable, axis=1) if len(gold_all) else pd.Series(dtype=bool)
    gold = gold_all[keep].reset_index(drop=True)
    print(
        f"gold rows: {len(gold_all)} ({len(gold_all) - len(gold)} in boilerplate/duplicate paragraphs, not expected)"
    )

    pred = extract_figures(paras, para_text, raws).reset_index(drop=True)
    bad_pred = [
        p for p in pred.itertuples() if raws[p.doc_id][p.raw_start : p.raw_end] != p.raw_text
    ]
    print(f"predicted rows: {len(pred)}; rows whose raw_text != raw slice: {len(bad_pred)}")

    table = score_families(pred, gold)
    p_all = prf(len(pred), len(gold), int(table.matched.sum()))
    print("\nhelpers.figures (family, span and value must agree)")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"all families: P={p_all[0]:.3f} R={p_all[1]:.3f} F1={p_all[2]:.3f}")
    print("attribute agreement on matches:",
          {k: round(v, 3) for k, v in attribute_agreement(pred, gold).items()})  # fmt: skip

    for path in heldout:
        report_heldout(path, args.errors, args.by_batch)

    if not args.no_baselines:
        use = {
            (r.doc_id, r.para_id)
            for r in paras.itertuples()
            if not (r.is_boilerplate or r.is_duplicate)
        }
        g_fund = gold[gold.family == "funding"]
        ours = pred[pred.family == "funding"]
        jio = jionlp_money(paras, para_text, use)
        rows = []
        for name, p in (("helpers.figures", ours), ("jionlp.extract_money", jio)):
            n = len(match(p.assign(family="funding"), g_fund))
            rows.append((name, "funding", len(p), n, *prf(len(p), len(g_fund), n)))
        g_rate = gold[gold.unit.isin(RATE_UNITS)]
        ours_rate = pred[pred.unit.isin(RATE_UNITS)]
        rec = recognizers_percent(paras, para_text, use)
        for name, p in (("helpers.figures", ours_rate), ("recognizers-text percentage", rec)):
            n = len(match(p, g_rate))
            rows.append((name, "rates (% and 个百分点)", len(p), n, *prf(len(p), len(g_rate), n)))
        cmp = pd.DataFrame(
            rows,
            columns=["extractor", "target", "predicted", "matched", "precision", "recall", "f1"],
        )
        print(
            f"\nsame text, span+value match (funding gold={len(g_fund)}, rate gold={len(g_rate)})"
        )
        print(cmp.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        for path in heldout:
            print(
                f"\n{path.name}, same comparison (money = labelled spans with 元, rates = with %)"
            )
            print(heldout_baselines(path).to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    if args.errors:
        for fam in FAMILIES:
            p, g = pred[pred.family == fam], gold[gold.family == fam]
            pairs = match(p, g)
            mp, mg = {a for a, _ in pairs}, {b for _, b in pairs}
            for i in p.index.difference(list(mp)):
                r = pred.loc[i]
                print(
                    f"FP {fam:10s} {r.doc_id} {r.raw_start} {r.raw_text!r} {r.metric} {r.value} | {r.sentence[:60]}"
                )
            for i in g.index.difference(list(mg)):
                r = gold.loc[i]
                print(f"FN {fam:10s} {r.doc_id} {r.raw_start} {r.raw_text!r} {r.metric} {r.value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
