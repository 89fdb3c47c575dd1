"""NG-word signals, read as a specification: real Japanese text in, numbers a reader can check by hand out.

Sentences are copied from the livedoor news corpus (CC BY-ND 2.1 JP; file named beside each); the tests
never read ../shared. They run on the lists shipped in ngwords/. "Japanese letters" are hiragana +
katakana (with ー) + kanji, as pipeline.annotate.taggers.quality counts them; each count is spelled out.
"""

from pathlib import Path

import pytest

from pipeline.annotate.taggers.ngwords import (
    CATEGORIES,
    CATEGORY_FILES,
    NGWORD_SIGNAL_TYPES,
    NGWORDS_DIR,
    WORD_SETS,
    NgWordMatcher,
    WordSet,
    ngword_hits,
    ngword_signals,
    read_word_list,
)
from pipeline.annotate.taggers.quality import letter_signals

# livedoor dokujo-tsushin-4778030: the opening of the article body (no NG word of any list).
ARTICLE = (
    "　もうすぐジューン・ブライドと呼ばれる６月。独女の中には自分の式はまだなのに呼ばれてばかり……"
    "という「お祝い貧乏」状態の人も多いのではないだろうか？　さらに出席回数を重ねていくと、"
    "こんなお願いごとをされることも少なくない。\n"
    "\n"
    "　「お願いがあるんだけど……友人代表のスピーチ、やってくれないかな？」\n"
    "\n"
    "　さてそんなとき、独女はどう対応したらいいか？"
)


def nonzero(signals: dict) -> dict:
    return {k: v for k, v in signals.items() if v}


# --- no NG word ----------------------------------------------------------------------------------------


def test_an_ordinary_article_scores_zero_everywhere():
    s = ngword_signals(ARTICLE)
    assert list(s) == list(NGWORD_SIGNAL_TYPES)
    assert nonzero(s) == {}
    assert all(ngword_hits(ARTICLE, name) == [] for name in WORD_SETS)


def test_empty_text_scores_zero():
    assert nonzero(ngword_signals("")) == {}


# --- hits, distinct, char fraction ---------------------------------------------------------------------


def test_a_word_hit_twice_counts_two_hits_one_distinct_word():
    # dokujo-tsushin-5193981. 精子 (in HojiChar's and llm-jp's adult lists) occurs twice.
    # Japanese letters: また2 不妊2 の1 原因2 として3 精子2 の1 数1 が1 少ない3 精子2 の1 動き2 が1 悪い2
    # といった4 男性因子4 も1 多い2 そうだ3 = 40. Covered: 2 + 2 = 4 characters -> 4/40 = 0.1.
    text = "また、不妊の原因として、精子の数が少ない、精子の動きが悪いといった男性因子も多いそうだ。"
    assert letter_signals(text)["n_ja_letters"] == 40
    assert nonzero(ngword_signals(text)) == {
        "ng_adult_hits": 2,
        "ng_adult_distinct": 1,
        "ng_adult_char_frac": 0.1,
        "ng_llmjp_hits": 2,
        "ng_hojichar_hits": 2,
    }  # 精子 is not in Swallow's MosasoM lists: ng_swallow_char_frac stays 0
    assert ngword_hits(text, "adult") == ["精子", "精子"]


def test_two_different_words_of_one_category():
    # dokujo-tsushin-5729559. オールドミス and 売れ残り are in HojiChar's and llm-jp's discrimination lists.
    # Japanese letters: 時代2 を1 遡れば3 オールドミス6 売れ残り4 行かず後家5 = 21 (etc…。 are not).
    # Covered: 6 + 4 = 10 -> 10/21.
    text = "時代を遡ればオールドミス、売れ残り、行かず後家etc…。"
    s = ngword_signals(text)
    assert (s["ng_discrimination_hits"], s["ng_discrimination_distinct"]) == (2, 2)
    assert s["ng_discrimination_char_frac"] == 10 / 21
    assert s["ng_llmjp_discrimination_hits"] == 2
    assert ngword_hits(text, "discrimination") == ["オールドミス", "売れ残り"]


def test_violence_words_and_llmjp_violence_list():
    # dokujo-tsushin-4866266: 犯罪 twice (性犯罪 is not a list word; 犯罪 inside it is).
    text = "性犯罪は被害者の身体だけでなく心まで傷つけ、その後の人生にまで影響を及ぼす憎むべき犯罪だと実感した。"
    s = ngword_signals(text)
    assert (s["ng_violence_hits"], s["ng_violence_distinct"], s["ng_llmjp_violence_hits"]) == (2, 1, 2)
    assert s["ng_violence_char_frac"] == 4 / letter_signals(text)["n_ja_letters"]


def test_swallow_fraction_counts_characters_of_its_own_lists():
    # dokujo-tsushin-5548824. Swallow (MosasoM lists, no guard) finds セックス (inside セックスレス) and 性欲.
    # Japanese letters: 長年2 の1 セックスレス6 で1 性欲2 が1 たまりにたまって8 臨界点3 に1 達1 した2 主婦2
    # = 30. Swallow: (4 + 2) / 30 = 0.2, over its 0.05 drop line. The adult category, with HojiChar's
    # katakana guard, does not count セックス inside the katakana run セックスレス: 2/30.
    text = "長年のセックスレスで性欲がたまりにたまって臨界点に達した主婦。"
    assert nonzero(ngword_signals(text)) == {
        "ng_adult_hits": 1,
        "ng_adult_distinct": 1,
        "ng_adult_char_frac": 2 / 30,
        "ng_swallow_char_frac": 0.2,
        "ng_llmjp_hits": 1,  # llm-jp: katakana guard, so 性欲 only
        "ng_hojichar_hits": 2,  # HojiChar default: no guard, セックス and 性欲
    }
    assert ngword_hits(text, "swallow") == ["セックス", "性欲"]
    assert ngword_hits(text, "adult") == ["性欲"]


def test_n_ja_letters_can_be_passed_in():
    text = "また、不妊の原因として、精子の数が少ない、精子の動きが悪いといった男性因子も多いそうだ。"
    assert ngword_signals(text, n_ja_letters=80)["ng_adult_char_frac"] == 4 / 80
    assert ngword_signals("精子", n_ja_letters=0)["ng_adult_char_frac"] == 0.0


# --- longest match -------------------------------------------------------------------------------------


def test_longest_match_counts_the_longer_word_once():
    # movie-enter-6860550. Lists hold both AV and AV女優: at the A the longest word, AV女優, is taken, so
    # it is one hit of 4 characters, not AV (2) nor AV + AV女優.
    # Japanese letters: そんな3 ウシジマ4 と1 行動2 を1 共1 に1 し1 (14); 一般視聴者5 の1 目線2 で1 彼1 の1
    # 素顔2 を1 伝1 える2 の1 が1 (19); 片瀬那奈4 演1 じる2 元1 (8); 女優2 の1 新入社員4 (7); 大久保3 だ1 (4)
    # = 52.
    text = "そんなウシジマと行動を共にし、一般視聴者の目線で彼の素顔を伝えるのが、片瀬那奈演じる元AV女優の新入社員・大久保だ。"
    assert letter_signals(text)["n_ja_letters"] == 52
    s = ngword_signals(text)
    assert (s["ng_adult_hits"], s["ng_adult_distinct"], s["ng_adult_char_frac"]) == (1, 1, 4 / 52)
    assert s["ng_swallow_char_frac"] == 4 / 52
    assert (s["ng_llmjp_hits"], s["ng_hojichar_hits"]) == (1, 1)
    for name in ("adult", "swallow", "llmjp", "hojichar"):
        assert ngword_hits(text, name) == ["AV女優"]


def test_longest_match_without_guard_takes_the_katakana_compound():
    # dokujo-tsushin-4905611. HojiChar's list holds ロリ and ロリコン; with no guard, ロリ would match at
    # the same place, but the longer ロリコン is taken. Japanese letters: けっして4 ロリコン4 趣味2
    # なわけではなく7 衛生観念4 として3 = 24; ロリコン covers 4 -> 1/6.
    text = "けっしてロリコン趣味なわけではなく、衛生観念として。"
    assert ngword_hits(text, "hojichar") == ["ロリコン"]
    assert ngword_signals(text)["ng_adult_char_frac"] == 4 / 24


def test_matches_do_not_overlap(tmp_path: Path):
    # A list of two words that overlap in 「性犯罪者」: at 性, 性犯罪 is the longest word; 犯罪者 starts
    # inside it and is not counted. One hit, 3 characters.
    (tmp_path / "v.txt").write_text("# test list\n犯罪者\n性犯罪\n", encoding="utf-8")
    matcher = NgWordMatcher({"v": WordSet(("v.txt",), True, True, True)}, tmp_path)
    found = matcher.matches("性犯罪者の更生。", "v")
    assert [(m.start, m.end, m.word) for m in found] == [(0, 3, "性犯罪")]


# --- HojiChar's katakana guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, hojichar_word",
    [
        # dokujo-tsushin-5642937: イク inside マイク
        ("マイクに向かって一言話すだけであなたのモテ声度が点数でわかるという優れもの。", "イク"),
        # kaden-channel-6816441: アス inside アスリート
        ("鍛え上げられたアスリートたちの姿、感動のドラマを見ると思わず体を動かしたくなるもの。", "アス"),
    ],
)
def test_katakana_word_inside_a_longer_katakana_word_is_not_a_hit(text, hojichar_word):
    # With the guard (categories, llm-jp): nothing. HojiChar's default filter (no guard) rejects these.
    s = ngword_signals(text)
    assert (s["ng_adult_hits"], s["ng_llmjp_hits"]) == (0, 0)
    assert ngword_hits(text, "hojichar") == [hojichar_word]
    assert s["ng_hojichar_hits"] == 1


def test_katakana_word_followed_by_hiragana_is_a_hit():
    # dokujo-tsushin-5584362. エロ followed by い (hiragana): a hit under the guard. The adult category also
    # holds エロい (MosasoM), the longest word there: one hit of 3 characters. llm-jp's list has エロ only.
    # Japanese letters: 毎月2 エロい3 絵1 を1 描く2 仕事2 に1 追われ3 ないとわりと6 不安2 を1 繰り返して5
    # ただただ4 年1 を1 取っている5 = 40 -> 3/40.
    text = "毎月「エロい絵を描く仕事に追われ、ないとわりと不安」を繰り返して、ただただ年を取っている。"
    assert letter_signals(text)["n_ja_letters"] == 40
    s = ngword_signals(text)
    assert (s["ng_adult_hits"], s["ng_adult_char_frac"], s["ng_llmjp_hits"]) == (1, 3 / 40, 1)
    assert ngword_hits(text, "adult") == ["エロい"]
    assert ngword_hits(text, "llmjp") == ["エロ"]


def test_katakana_word_standing_alone_or_followed_by_kanji_is_a_hit():
    # dokujo-tsushin-4905611: ロリコン between て (hiragana) and 趣 (kanji).
    # dokujo-tsushin-5069354: ストッキング after 「 and before 一 (kanji).
    assert ngword_hits("けっしてロリコン趣味なわけではなく、衛生観念として。", "llmjp") == ["ロリコン"]
    assert ngword_hits("「ストッキング一枚で素足とはぜんぜん違うわよー。", "adult") == ["ストッキング"]


def test_katakana_guard_with_a_small_list(tmp_path: Path):
    # ソープ (all katakana: guarded) and ソープ嬢 (has a kanji: not guarded, HojiChar's split).
    (tmp_path / "w.txt").write_text("ソープ\nソープ嬢\n", encoding="utf-8")
    sets = {"guarded": WordSet(("w.txt",), True, False, False), "plain": WordSet(("w.txt",), False, False, False)}
    matcher = NgWordMatcher(sets, tmp_path)
    text = "ボディソープとソープ嬢とソープ。"
    assert [m.word for m in matcher.matches(text, "guarded")] == ["ソープ嬢", "ソープ"]
    assert [m.word for m in matcher.matches(text, "plain")] == ["ソープ", "ソープ嬢", "ソープ"]


# --- Latin words: word boundaries and case ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, hojichar",
    [
        # kaden-channel-6123560: SM inside SMAP
        ("また、嵐やSMAPと別に櫻井翔さんと木村拓哉さんがランクインしているのも気になる。", ["SM"]),
        # it-life-hack-6690224: AV inside AVCHD
        ("AVCHDビデオカメラやデジタルカメラの動画・写真の配信もできるので、家庭内での動画・写真共有にも便利だ。", ["AV"]),
        # it-life-hack-6854023: ass inside Classic (LDNOOBW), and イク inside ライク
        ("よりWindowsライクに使いたければ、「GNOME（Classic）」を選ぼう。", ["イク"]),
    ],
)
def test_latin_word_inside_a_longer_latin_word_is_not_a_hit(text, hojichar):
    assert ngword_hits(text, "adult") == []
    assert ngword_hits(text, "hojichar") == hojichar  # HojiChar matches plain substrings


def test_english_word_standing_alone_is_a_hit_whatever_its_case():
    # dokujo-tsushin-5374411. LDNOOBW's "sex" (lower case) hits "Sex" in the category; HojiChar's rule is
    # case-sensitive and has no such entry. Japanese letters: ファン3 は1 特1 に1 必見2 です2 = 10; the 3
    # Latin characters covered give 3/10 (the covered characters need not be Japanese, as in Swallow).
    text = "「Sex and the City」ファンは特に必見です！"
    s = ngword_signals(text)
    assert (s["ng_adult_hits"], s["ng_adult_distinct"], s["ng_adult_char_frac"]) == (1, 1, 0.3)
    assert s["ng_hojichar_hits"] == 0
    assert ngword_hits(text, "adult") == ["Sex"]  # as written in the text


def test_case_is_ignored_by_categories_not_by_the_published_rules():
    # peachy-6201639. Only LDNOOBW's lower-case "sexy" is a list word; "Sexy" hits the adult category.
    text = "さあ、あなたもLet’s Sexy！"
    assert ngword_hits(text, "adult") == ["Sexy"]
    assert [ngword_hits(text, rule) for rule in ("swallow", "llmjp", "hojichar")] == [[], [], []]


def test_latin_guard_applies_to_the_latin_edge_of_a_mixed_word(tmp_path: Path):
    # HojiChar's list has entries such as Hの: an H followed by の. Inside 「inchの」 the H is the end of
    # an English word, so the category matcher (Latin guard) does not count it; HojiChar's rule does.
    (tmp_path / "x.txt").write_text("Hの\n", encoding="utf-8")
    sets = {"cat": WordSet(("x.txt",), True, True, True), "rule": WordSet(("x.txt",), False, False, False)}
    matcher = NgWordMatcher(sets, tmp_path)
    assert matcher.matches("4.3inchの画面", "cat") == []
    assert matcher.matches("4.3INCHの画面", "rule")[0].word == "Hの"
    assert [m.word for m in matcher.matches("Hの話", "cat")] == ["hの"]  # lower-cased entry


# --- our own short lists ---------------------------------------------------------------------------------


def test_affiliate_disclosure_and_online_casino_words():
    # The fixed disclosure sentence affiliate pages print since 2023-10 (the wording, not a copied page).
    assert ngword_hits("当サイトはアフィリエイト広告を利用しています。", "ads") == ["アフィリエイト広告を利用して"]
    s = ngword_signals("オンラインカジノの入金不要ボーナスを比較。")
    assert (s["ng_gambling_hits"], s["ng_gambling_distinct"]) == (2, 2)
    # オンカジ is all katakana: not inside a longer katakana run
    assert ngword_hits("オンカジ", "gambling") == ["オンカジ"]
    assert ngword_hits("ノンカジュアル", "gambling") == []


def test_header_footer_words():
    # it-life-hack-6358776: 検索 twice.
    assert ngword_hits("」と検索するのは手間だが電子版なら一発で検索可能と楽だ。", "header_footer") == ["検索", "検索"]


# --- API ----------------------------------------------------------------------------------------------


def test_types_dict_matches_the_signals():
    s = ngword_signals("けっしてロリコン趣味なわけではなく、衛生観念として。")
    assert list(s) == list(NGWORD_SIGNAL_TYPES)
    expected = [f"ng_{c}_{w}" for c in CATEGORIES for w in ("hits", "distinct", "char_frac")] + [
        "ng_swallow_char_frac",
        "ng_llmjp_hits",
        "ng_llmjp_discrimination_hits",
        "ng_llmjp_violence_hits",
        "ng_hojichar_hits",
    ]
    assert list(NGWORD_SIGNAL_TYPES) == expected
    assert CATEGORIES == ("adult", "discrimination", "violence", "gambling", "ads", "header_footer")
    for key, typ in NGWORD_SIGNAL_TYPES.items():
        assert typ in ("int32", "float32")
        assert type(s[key]) is (int if typ == "int32" else float), key


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError, match="unknown NG-word category"):
        ngword_hits("テキスト", "spam")


def test_read_word_list_skips_comments_blanks_and_repeats(tmp_path: Path):
    (tmp_path / "l.txt").write_text("# header\n\n  素股 \n素股\n#not a word\nエロ\n", encoding="utf-8")
    assert read_word_list(tmp_path / "l.txt") == ["素股", "エロ"]


# --- the shipped lists ----------------------------------------------------------------------------------


LICENCE_FILES = ("HojiChar-Apache-2.0", "llm-jp-corpus-Apache-2.0", "inappropriate-words-ja-MIT", "LDNOOBW-CC-BY-4.0")


def list_files() -> list[Path]:
    return sorted(p for p in NGWORDS_DIR.glob("*/*.txt") if p.parent.name != "LICENSES")


def test_every_list_file_names_its_source_and_licence():
    files = list_files()
    assert {f.parent.name for f in files} >= set(CATEGORIES)
    for f in files:
        head = [line for line in f.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
        assert any("Source:" in line for line in head), f
        assert any("Licence:" in line for line in head), f
        for name in LICENCE_FILES:
            if name in "\n".join(head):
                assert (NGWORDS_DIR / "LICENSES" / f"{name}.txt").is_file()
        assert read_word_list(f), f


def test_every_list_file_is_used_and_every_used_file_exists():
    used = {f for ws in WORD_SETS.values() for f in ws.files}
    shipped = {str(p.relative_to(NGWORDS_DIR)) for p in list_files()}
    assert used == shipped
    for cat, files in CATEGORY_FILES.items():
        assert all(f.startswith(cat + "/") for f in files)


def test_list_sizes():
    # Upstream entries (blank lines and repeats dropped): HojiChar adult 1,472 (with its test string),
    # llm-jp adult 1,462; MosasoM Sexual 281 lines, of which 素股 twice ("素股 " once) -> 280.
    assert len(read_word_list(NGWORDS_DIR / "adult/hojichar.txt")) == 1472
    assert len(read_word_list(NGWORDS_DIR / "adult/llmjp.txt")) == 1462
    assert len(read_word_list(NGWORDS_DIR / "adult/mosasom_sexual.txt")) == 280
    assert len(read_word_list(NGWORDS_DIR / "gambling/ours.txt")) == 7
