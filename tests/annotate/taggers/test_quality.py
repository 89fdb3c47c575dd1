"""Quality signals, read as a specification: real Japanese text in, numbers a reader can check by hand out.

Texts are copied from the livedoor news corpus (CC BY-ND 2.1 JP) and KWDLC (Kyoto University Web Document
Leads Corpus); the tests never read ../shared.
"""

import math
import random
import zlib
from collections import Counter

import pytest

from pipeline.annotate.taggers.quality import (
    SIGNAL_TYPES,
    compression_signals,
    letter_signals,
    line_signals,
    quality_signals,
    repetition_signals,
    sentence_signals,
    split_sentences,
)

# KWDLC w201106-0000060050: three sentences, one per line.
KWDLC = (
    "コイントスを３回行う。\n"
    "表が出た数だけ、フィールド上のモンスターを破壊する。\n"
    "この効果は１ターンに１度だけ自分のメインフェイズに使用する事ができる。"
)

# livedoor dokujo-tsushin-4778030: the opening of the article body.
ARTICLE = (
    "　もうすぐジューン・ブライドと呼ばれる６月。独女の中には自分の式はまだなのに呼ばれてばかり……"
    "という「お祝い貧乏」状態の人も多いのではないだろうか？　さらに出席回数を重ねていくと、"
    "こんなお願いごとをされることも少なくない。\n"
    "\n"
    "　「お願いがあるんだけど……友人代表のスピーチ、やってくれないかな？」\n"
    "\n"
    "　さてそんなとき、独女はどう対応したらいいか？"
)


# --- 1. letters ---------------------------------------------------------------------------------------


def test_letters_of_a_short_sentence():
    # 「今日は晴れ。」: 8 characters. Letters: 今 日 晴 (3 kanji) + は れ (2 hiragana) = 5.
    # 「 。 」 are punctuation. So hiragana 2/5 = 0.4 of Japanese letters, all letters are Japanese.
    assert letter_signals("「今日は晴れ。」") == {
        "n_chars": 8,
        "n_letters": 5,
        "n_ja_letters": 5,
        "n_hiragana": 2,
        "n_katakana": 0,
        "n_kanji": 3,
        "hiragana_frac": 0.4,
        "katakana_frac": 0.0,
        "ja_letter_frac": 1.0,
    }


def test_full_width_digits_are_not_letters():
    # コイントスを３回行う。 : コイントス 5 katakana, を う 2 hiragana, 回 行 2 kanji = 9 letters;
    # ３ (full-width digit) and 。 are not letters; 11 characters in all.
    s = letter_signals("コイントスを３回行う。")
    assert (s["n_chars"], s["n_letters"], s["n_katakana"], s["n_hiragana"], s["n_kanji"]) == (11, 9, 5, 2, 2)
    assert s["katakana_frac"] == 5 / 9
    assert s["hiragana_frac"] == 2 / 9


def test_katakana_heavy_title_with_latin_letters():
    # livedoor kaden-channel: ソニー・エリクソンがXperia rayで女性市場をターゲットにした理由
    #   katakana: ソニー (3, ー counts) + エリクソン (5) + ターゲット (5) = 13
    #   hiragana: が で を に し た = 6;  kanji: 女性市場 理由 = 6;  Latin: Xperia ray = 9
    #   ・ and the space are not letters. 36 characters, 34 letters, 25 Japanese letters.
    s = letter_signals("ソニー・エリクソンがXperia rayで女性市場をターゲットにした理由")
    assert (s["n_chars"], s["n_letters"], s["n_ja_letters"]) == (36, 34, 25)
    assert (s["n_katakana"], s["n_hiragana"], s["n_kanji"]) == (13, 6, 6)
    assert s["katakana_frac"] == 13 / 25  # 0.52: above Swallow's 0.5 katakana limit
    assert s["ja_letter_frac"] == 25 / 34


def test_half_width_katakana_iteration_mark_and_supplementary_kanji():
    # ｶﾀｶﾅ: 4 half-width katakana. 人々: 々 is counted with kanji. 𠮟る: 𠮟 (U+20B9F) is one kanji.
    s = letter_signals("ｶﾀｶﾅ人々𠮟る")
    assert (s["n_chars"], s["n_katakana"], s["n_kanji"], s["n_hiragana"], s["n_letters"]) == (8, 4, 3, 1, 8)


def test_letters_are_exactly_str_isalpha():
    text = ARTICLE + "Ⅻ ① ² 〇 ゛ ・ Ωmega ÿ 𝒜"
    assert letter_signals(text)["n_letters"] == sum(map(str.isalpha, text))


# --- 2. sentences ---------------------------------------------------------------------------------------


def test_each_terminator_ends_a_sentence():
    # 。．！？!? each end a sentence; a run such as !? stays with its sentence.
    assert split_sentences("雨だ。晴れ．本当！まさか？Yes!No?本当!?") == [
        "雨だ。",
        "晴れ．",
        "本当！",
        "まさか？",
        "Yes!",
        "No?",
        "本当!?",
    ]


def test_sentences_split_per_line_strip_and_skip_blanks():
    # A line without a terminator is a sentence; indentation (U+3000) is stripped; blank lines are skipped.
    assert split_sentences("　表が出た数だけ\n\n　\n破壊する。") == ["表が出た数だけ", "破壊する。"]


def test_sentence_lengths_and_kuten_rate():
    # KWDLC: コイントスを３回行う。 (11) / 表が出た数だけ、フィールド上のモンスターを破壊する。 (26) /
    # この効果は１ターンに１度だけ自分のメインフェイズに使用する事ができる。 (35)
    # mean (11+26+35)/3 = 24.0; 3 kuten in 11+1+26+1+35 = 74 characters.
    assert sentence_signals(KWDLC) == {
        "n_sentences": 3,
        "sentence_len_mean": 24.0,
        "sentence_len_max": 35,
        "ellipsis_sentence_frac": 0.0,
        "kuten_rate": 3 / 74,
    }


def test_question_sentence_length_counts_its_terminator():
    # さてそんなとき(7) 、(8) 独女は(11) どう(13) 対応したらいいか(21) ？(22); the leading U+3000 is stripped.
    s = sentence_signals("　さてそんなとき、独女はどう対応したらいいか？")
    assert (s["n_sentences"], s["sentence_len_max"], s["kuten_rate"]) == (1, 22, 0.0)


def test_ellipsis_fraction_on_real_lines():
    # livedoor lines. Sentences: 二日酔いがなかなか治らなかったり… (ellipsis) / それは分かる。 /
    # 分かるけれど…… (ellipsis) / 今更ですが・・・、女子力ってなんですか？ (the ellipsis is inside) -> 2/4.
    text = "二日酔いがなかなか治らなかったり…\nそれは分かる。分かるけれど……\n今更ですが・・・、女子力ってなんですか？"
    assert sentence_signals(text)["ellipsis_sentence_frac"] == 0.5


@pytest.mark.parametrize(
    "sentence, ends_in_ellipsis",
    [
        ("あの頃、携帯電話があったなら……", True),
        ("身長が低いことで会う前に断られるとは・・・", True),
        ("二日酔いがなかなか治らなかったり‥", True),
        ("まあいいか...", True),
        ("そうか…。", False),  # the terminator comes after the ellipsis (as in Swallow's code)
        ("東京・大阪・", False),  # a single middle dot ends a list item, not a sentence
        ("それは分かる。", False),
    ],
)
def test_what_counts_as_an_ellipsis(sentence, ends_in_ellipsis):
    assert sentence_signals(sentence)["ellipsis_sentence_frac"] == (1.0 if ends_in_ellipsis else 0.0)


# --- 3. repetition ----------------------------------------------------------------------------------------

FOOTER = "【関連記事】\nそもそも「Android」って何だ？\n【関連記事】\nスマートフォンを選ぶときの注意"


def test_repeated_boilerplate_line():
    # 4 lines, 【関連記事】 (6 chars) repeats once: 1/4 of lines. Characters: 6 + 1 + 18 + 1 + 6 + 1 + 15 = 48.
    s = repetition_signals(FOOTER)
    assert s["dup_line_frac"] == 0.25
    assert s["dup_line_char_frac"] == 6 / 48


def test_blank_lines_are_not_duplicates_and_indentation_is_ignored():
    # Blank lines are not lines; "　【関連記事】" equals "【関連記事】" once stripped.
    s = repetition_signals("【関連記事】\n\n\n【関連情報】\n\n")
    assert s["dup_line_frac"] == 0.0
    s = repetition_signals("【関連記事】\n　【関連記事】")
    assert (s["dup_line_frac"], s["dup_line_char_frac"]) == (0.5, 6 / 14)


def test_repeated_sentence():
    # 3 sentences, コイントスを３回行う。 (11 chars) twice: 1/3 of sentences, 11 of 11+11+26 = 48 characters.
    s = repetition_signals("コイントスを３回行う。コイントスを３回行う。表が出た数だけ、フィールド上のモンスターを破壊する。")
    assert s["dup_sentence_frac"] == 1 / 3
    assert s["dup_sentence_char_frac"] == 11 / 48
    assert s["dup_line_frac"] == 0.0  # one line


def test_top_ngrams_of_a_repeated_menu_word():
    # ホームホームホームホーム (12 chars). 2-grams: ホー x4, ーム x4, ムホ x3 -> top 4 x 2 chars / 12.
    # 3-grams: ホーム x4 -> 4 x 3 / 12 = 1.0.  4-grams: ホームホ, ームホー, ムホーム x3 each -> 3 x 4 / 12 = 1.0.
    # Swallow's code divides the top count by the number of n-grams instead: 4/11, 4/10, 3/9.
    s = repetition_signals("ホーム" * 4)
    assert (s["top_2gram_char_frac"], s["top_3gram_char_frac"], s["top_4gram_char_frac"]) == (8 / 12, 1.0, 1.0)
    assert (s["swallow_top_2gram_frac"], s["swallow_top_3gram_frac"], s["swallow_top_4gram_frac"]) == (
        4 / 11,
        4 / 10,
        3 / 9,
    )


def test_top_ngram_of_distinct_characters_and_the_cap():
    # コイントスを３回行う。 has 11 different characters: every n-gram occurs once -> n / 11.
    s = repetition_signals("コイントスを３回行う。")
    assert (s["top_2gram_char_frac"], s["top_3gram_char_frac"], s["top_4gram_char_frac"]) == (2 / 11, 3 / 11, 4 / 11)
    assert (s["swallow_top_2gram_frac"], s["swallow_top_3gram_frac"], s["swallow_top_4gram_frac"]) == (
        1 / 10,
        1 / 9,
        1 / 8,
    )
    # ーーーーー: ーー occurs 4 times, 4 x 2 = 8 > 5 characters: overlapping counts are capped at 1.0.
    assert repetition_signals("ーーーーー")["top_2gram_char_frac"] == 1.0


def test_duplicated_ngrams_none_in_a_sentence_of_distinct_characters():
    s = repetition_signals("コイントスを３回行う。")
    for n in range(5, 11):
        assert s[f"dup_{n}gram_char_frac"] == 0.0
        assert s[f"swallow_dup_{n}gram_frac"] == 0.0


def test_duplicated_ngrams_of_a_repeated_sentence():
    # コイントスを３回行う。 twice (22 chars, the 11 characters all different). datatrove's scan: positions 0..10
    # are new; at 11 the n-gram repeats the one at 0, counts n characters and jumps to 11+n.
    #   n=5: jumps to 16, where ３回行う。 repeats position 6: 5 + 5 = 10 characters.
    #   n=6..10: after the jump fewer than n characters are left: n characters.
    # Swallow's code: the 12-n n-grams inside the sentence repeat, out of 11 distinct n-grams.
    s = repetition_signals("コイントスを３回行う。" * 2)
    assert s["dup_5gram_char_frac"] == 10 / 22
    for n in range(6, 11):
        assert s[f"dup_{n}gram_char_frac"] == n / 22
    for n in range(5, 11):
        assert s[f"swallow_dup_{n}gram_frac"] == (12 - n) / 11


def test_real_article_opening_has_little_repetition():
    s = repetition_signals(ARTICLE)
    # 173 characters. 呼ばれ, 独女, お願い and …… recur, but no 5-gram does. The most frequent 2-gram is
    # ない (ないだろうか, 少なくない, くれないかな): 3 x 2 / 173.
    assert s["top_2gram_char_frac"] == 6 / 173
    assert all(s[f"dup_{n}gram_char_frac"] == 0.0 for n in range(5, 11))


# The reference definitions, written the slow and obvious way, to check the fast ones against.


def _datatrove_find_all_duplicate_chars(text, n):
    seen, repeated, idx = set(), 0, 0
    while idx < len(text) - n + 1:
        gram = text[idx : idx + n]
        if gram in seen:
            repeated += n
            idx += n
        else:
            seen.add(gram)
            idx += 1
    return repeated


def _ngram_counts(text, n):
    return Counter(text[i : i + n] for i in range(len(text) - n + 1))


def _reference_texts():
    rng = random.Random(20240601)
    texts = [KWDLC, ARTICLE, FOOTER, "ホーム" * 4, "ああ", "あ", "コイントスを３回行う。" * 3]
    for _ in range(300):  # small alphabets make many overlapping repeats
        texts.append("".join(rng.choice("あいう\n") for _ in range(rng.randint(0, 50))))
        texts.append("".join(rng.choice(["ホーム\n", "【関連記事】", "今日は晴れ。", "あ"]) for _ in range(rng.randint(0, 12))))
    return texts


def test_ngram_signals_match_the_reference_definitions():
    for text in _reference_texts():
        s = repetition_signals(text)
        for n in (2, 3, 4):
            counts = _ngram_counts(text, n)
            top = max(counts.values(), default=0)
            assert s[f"top_{n}gram_char_frac"] == (min(1.0, top * n / len(text)) if counts else 0.0), (text, n)
            assert s[f"swallow_top_{n}gram_frac"] == (top / sum(counts.values()) if counts else 0.0), (text, n)
        for n in range(5, 11):
            expected = _datatrove_find_all_duplicate_chars(text, n) / len(text) if text else 0.0
            assert s[f"dup_{n}gram_char_frac"] == expected, (text, n)
            counts = _ngram_counts(text, n)
            repeated = sum(1 for c in counts.values() if c > 1)
            assert s[f"swallow_dup_{n}gram_frac"] == (repeated / len(counts) if counts else 0.0), (text, n)


# --- 4. compression ---------------------------------------------------------------------------------------


def test_compression_ratio_orders_repetition_below_prose():
    repeated = compression_signals("【関連記事】\n" * 50)["compression_ratio"]
    prose = compression_signals(ARTICLE)["compression_ratio"]
    data = ARTICLE.encode("utf-8")
    assert prose == len(zlib.compress(data, 9)) / len(data)  # llm-jp: level 9, over UTF-8 bytes
    assert repeated < 0.30 <= prose <= 0.70  # llm-jp keeps [0.30, 0.70]
    assert repeated == 0.04  # 350 UTF-8 bytes compress to 14


# --- 5. lines and symbols ---------------------------------------------------------------------------------

# livedoor kaden-channel-5774562: a related-links block and the column's tagline.
LINK_BLOCK = (
    "■関連記事\n"
    "・【夏休み特集】読書感想文にスマホを活用する\n"
    "・おすすめAndroidアプリ・ベスト5（日常編）　【デジ通】\n"
    "皆さんがデジタル機器の「通」に近づくための情報を、皆さんよりすこし通な執筆陣が提供します。"
)


def test_line_signals_of_a_link_block():
    # Line lengths 5, 22, 31, 45: two are <= 30 (short). Three start with a bullet (■ ・ ・).
    # Only the last ends in punctuation (。); 】 is not line-end punctuation.
    # Symbols: only ■ (・【】（）「」 are punctuation). 5+1+22+1+31+1+45 = 106 characters.
    assert line_signals(LINK_BLOCK) == {
        "n_lines": 4,
        "short_line_frac": 0.5,
        "bullet_line_frac": 0.75,
        "punct_end_line_frac": 0.25,
        "symbol_ratio": 1 / 106,
    }


def test_symbol_ratio_counts_symbols_and_gophers_hash_and_ellipsis_not_the_middle_dot():
    # ★5つ ♪ #タグ… : ★ ♪ (category So), # and … (Gopher's symbols) = 4 of 10 characters.
    assert line_signals("★5つ ♪ #タグ…")["symbol_ratio"] == 0.4
    assert line_signals("ジューン・ブライド")["symbol_ratio"] == 0.0


def test_article_lines():
    # Three non-blank lines, ending in 。 and 」 and ？; only the last one (22 characters) is short.
    s = line_signals(ARTICLE)
    assert (s["n_lines"], s["short_line_frac"]) == (3, 1 / 3)
    assert (s["punct_end_line_frac"], s["bullet_line_frac"]) == (1.0, 0.0)


# --- all together -----------------------------------------------------------------------------------------


def test_empty_text_gives_all_zeros():
    s = quality_signals("")
    assert list(s) == list(SIGNAL_TYPES)
    assert all(v == 0 for v in s.values())


@pytest.mark.parametrize("text", ["", "あ", "。", "\n\n", KWDLC, ARTICLE, FOOTER, LINK_BLOCK, "ホーム" * 4])
def test_signal_types_match_the_returned_values(text):
    s = quality_signals(text)
    assert list(s) == list(SIGNAL_TYPES)  # same keys, same order: the Parquet schema is built from it
    for key, value in s.items():
        if SIGNAL_TYPES[key] == "int32":
            assert type(value) is int, key
        else:
            assert SIGNAL_TYPES[key] == "float32" and type(value) is float, key
            assert not math.isnan(value), key


def test_families_do_not_share_keys():
    families = [letter_signals, sentence_signals, repetition_signals, compression_signals, line_signals]
    keys = [k for f in families for k in f(KWDLC)]
    assert len(keys) == len(set(keys)) == len(SIGNAL_TYPES)


def test_lone_surrogates_do_not_crash():
    # Text decoded with errors="surrogateescape" can carry lone surrogates: 今日は + U+DCFF + 晴れ。 = 7.
    assert quality_signals("今日は\udcff晴れ。")["n_chars"] == 7
