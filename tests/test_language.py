"""Language detection: accuracy on labelled snippets, script rules, determinism, bounded samples."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.text.language import detect_language, text_sample
from pipelines.language import LanguagePipeline
from tests.data.language_snippets import SNIPPETS


def test_accuracy_on_labelled_snippets():
    assert len(SNIPPETS) >= 40
    assert {lang for lang, _ in SNIPPETS} == {"ar", "en", "fr", "fa", "ur"}
    guesses = [(lang, detect_language(text).language) for lang, text in SNIPPETS]
    accuracy = sum(expected == got for expected, got in guesses) / len(guesses)
    assert accuracy >= 0.97, [g for g in guesses if g[0] != g[1]]
    # Persian and Urdu share the script but are never labelled Arabic.
    assert not [g for g in guesses if g[0] in ("fa", "ur") and g[1] == "ar"]


def test_script_rules():
    # No Arabic script: never ar/fa/ur, even for a transliteration.
    assert detect_language("Wazir al-kharijiya qal inna al-hukuma satuallin").language not in (
        "ar",
        "fa",
        "ur",
    )
    # An Arabic article quoting a long English sentence stays Arabic.
    quoted = (
        "قال وزير الطاقة في مؤتمر صحفي إن المملكة ملتزمة باستقرار الأسواق، مضيفاً بالإنجليزية: "
        '"We will do whatever it takes to keep the market balanced". وأكد أن الإنتاج سيرتفع الشهر المقبل.'
    )
    assert detect_language(quoted).language == "ar"


@pytest.mark.parametrize(
    "text", ["", "   ", "١٢٣ ٤٥٦", "OK", "خبر", "!!! ??? ...", "https://x.y/z"]
)
def test_too_little_text_is_undetermined(text):
    guess = detect_language(text)
    assert guess.language == "und" and guess.confidence == 0.0


def test_results_are_deterministic():
    text = "Le Maroc se qualifie pour la finale de la Coupe d'Afrique des nations"
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_sample_is_bounded_and_spread_over_the_body():
    paragraphs = [f"الفقرة رقم {i} " + "نص " * 80 for i in range(100)]
    sample = text_sample("العنوان", "\n\n".join(paragraphs), 2000)
    assert len(sample) <= 2000
    assert sample.startswith("العنوان")
    assert "الفقرة رقم 0 " in sample
    assert any(f"الفقرة رقم {i} " in sample for i in range(30, 70)), "the middle is sampled"
    assert any(f"الفقرة رقم {i} " in sample for i in range(75, 100)), "the end is sampled"
    assert len(sample) > 1500, "the budget is used"


def pipeline(**settings) -> LanguagePipeline:
    return LanguagePipeline.from_crawler(
        get_crawler(
            settings_dict={
                "LANGUAGE_SAMPLE_CHARS": 1000,
                "LANGUAGE_MIN_LETTERS": 15,
                "LANGUAGE_SEED": 0,
                "LANGUAGE_KEEP": "",
                **settings,
            }
        )
    )


def test_pipeline_sets_fields_and_keeps_every_language_by_default():
    stage = pipeline()
    item = {
        "url": "u",
        "title": "Central bank holds rates",
        "body": "The central bank held its key rate on Thursday.",
    }
    assert stage.process_item(item) is item
    assert item["language"] == "en" and 0 < item["language_confidence"] <= 1


def test_language_keep_drops_other_languages_with_a_counted_reason():
    stage = pipeline(LANGUAGE_KEEP="ar,fr")
    kept = {
        "url": "a",
        "title": "خبر",
        "body": "قال المتحدث باسم الحكومة إن الاجتماع سيعقد غداً في العاصمة.",
    }
    assert stage.process_item(kept)["language"] == "ar"
    with pytest.raises(DropItem):
        stage.process_item(
            {
                "url": "b",
                "title": "News",
                "body": "The meeting will take place tomorrow in the capital city.",
            }
        )
    assert stage.stats.get_value("akhbar/drop/language") == 1
