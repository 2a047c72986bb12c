"""The matcher the English pages are checked with (tests/browser/test_language.py), on
made-up page text, without a browser: it finds the dashboard's Vietnamese labels and not
the same words inside data names, which stay Vietnamese in English."""

from __future__ import annotations

from interface_text import interface_strings, vietnamese_in

# What an English page shows (innerText: lines, a table's cells split by tabs), its data
# Vietnamese: a commune whose name ends in "Kỳ", a district named "Huyện ...", a procedure
# that begins "Cấp ...". "Kỳ", "Huyện" and "Cấp" are also one-word interface labels.
ENGLISH_PAGE = "\n".join(
    (
        "Overdue dossiers",
        "Agency\tField\tProcedure\tDue date\tWorking days overdue",
        "Xã Khôi Kỳ\tHộ tịch\tCấp bản sao trích lục hộ tịch\t24/03/2023\t5",
        "Huyện Đại Từ\tĐất đai\tĐăng ký đất đai\t15/03/2023\t12",
    )
)
LABELS = ("Kỳ", "Huyện", "Cấp")


def test_the_labels_are_interface_strings():
    # the page below plants these: they must be among what the English pages are checked for
    # ("Kỳ" stands for a label of another version of the dashboard: passed explicitly below)
    assert {"Huyện", "Cấp"} <= set(interface_strings())


def test_one_word_labels_inside_data_names_are_not_interface_text():
    assert vietnamese_in(ENGLISH_PAGE, LABELS) == []
    assert vietnamese_in(ENGLISH_PAGE) == []


def test_a_vietnamese_header_planted_in_an_english_table_is_caught():
    # the header row with "Cấp" (level) in place of "Field": a cell of its own
    planted = ENGLISH_PAGE.replace("Agency\tField", "Agency\tCấp")
    assert vietnamese_in(planted, LABELS) == ["Cấp"]
    assert "Cấp" in vietnamese_in(planted)


def test_a_one_word_label_beside_a_number_is_caught():
    # a trend's open point labelled "đến 02/12" instead of "to 02/12"
    assert vietnamese_in(ENGLISH_PAGE + "\nđến 02/12", ("đến",)) == ["đến"]


def test_a_phrase_is_caught_inside_a_line():
    # several words are interface text wherever they stand as whole words
    assert vietnamese_in(ENGLISH_PAGE + "\nData until 14:05 · Tổng quan", ("Tổng quan",)) == ["Tổng quan"]
    assert vietnamese_in(ENGLISH_PAGE + "\nTổng quanh", ("Tổng quan",)) == []
