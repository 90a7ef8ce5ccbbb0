package obligations.report_test

import data.obligations.report

notice := {"eventTypes": ["abnormalQueries", "misuses"]}

zeros := {"abnormalQueries": 0, "misuses": 0}

rep(id, institution, period, extra) := object.union(
	{"id": id, "region": "北京市", "institution": institution, "period": period, "counts": zeros},
	extra,
)

check(reports) := c if {
	c := report.check with input as {"reports": reports} with data.notice as notice
}

test_a_zero_report_has_no_problem if {
	c := check([rep("a", "甲银行", "2024-09", {})])
	c == {"problems": set(), "effective": [0]}
}

test_a_count_without_a_remark_is_refused if {
	c := check([rep("a", "甲银行", "2024-09", {
		"counts": {"abnormalQueries": 2, "misuses": 0},
		"remarks": {"abnormalQueries": "  "},
	})])
	c.problems == {{"code": "remarks-missing", "severity": "error", "report": 0, "eventType": "abnormalQueries"}}
}

test_a_count_with_its_remark_is_accepted if {
	c := check([rep("a", "甲银行", "2024-09", {
		"counts": {"abnormalQueries": 0, "misuses": 1},
		"remarks": {"misuses": "一笔贷后查询用于营销"},
	})])
	c.problems == set()
}

test_a_remark_without_events_is_a_warning if {
	c := check([rep("a", "甲银行", "2024-09", {"remarks": {"misuses": "无"}})])
	c.problems == {{"code": "remarks-without-events", "severity": "warning", "report": 0, "eventType": "misuses"}}
}

test_a_second_report_of_the_same_month_is_refused if {
	c := check([rep("a", "甲银行", "2024-09", {}), rep("b", "甲银行", "2024-09", {})])
	c.problems == {{"code": "duplicate-month", "severity": "error", "report": 1, "first": 0}}
}

test_other_months_and_institutions_are_not_duplicates if {
	c := check([rep("a", "甲银行", "2024-09", {}), rep("b", "甲银行", "2024-10", {}), rep("c", "乙银行", "2024-09", {})])
	c.problems == set()
}

test_an_explicit_correction_supersedes_the_original if {
	c := check([rep("a", "甲银行", "2024-09", {}), rep("b", "甲银行", "2024-09", {"correctionOf": "a"})])
	c == {"problems": set(), "effective": [1]}
}

test_a_correction_of_a_correction_leaves_the_last if {
	c := check([
		rep("a", "甲银行", "2024-09", {}),
		rep("b", "甲银行", "2024-09", {"correctionOf": "a"}),
		rep("c", "甲银行", "2024-09", {"correctionOf": "b"}),
	])
	c == {"problems": set(), "effective": [2]}
}

test_a_correction_must_name_a_known_report if {
	c := check([rep("b", "甲银行", "2024-09", {"correctionOf": "zz"})])
	c.problems == {
		{"code": "correction-unknown", "severity": "error", "report": 0, "target": "zz"},
		{"code": "correction-without-original", "severity": "error", "report": 0},
	}
}

test_a_correction_must_be_of_the_same_reporter_and_month if {
	c := check([rep("a", "甲银行", "2024-09", {}), rep("b", "甲银行", "2024-10", {"correctionOf": "a"})])
	{"code": "correction-mismatch", "severity": "error", "report": 1, "target": 0} in c.problems
}

test_two_corrections_of_one_report_conflict if {
	c := check([
		rep("a", "甲银行", "2024-09", {}),
		rep("b", "甲银行", "2024-09", {"correctionOf": "a"}),
		rep("c", "甲银行", "2024-09", {"correctionOf": "a"}),
	])
	c.problems == {{"code": "correction-conflict", "severity": "error", "report": 2, "first": 1}}
}

test_a_report_cannot_correct_itself if {
	c := check([rep("a", "甲银行", "2024-09", {"correctionOf": "a"})])
	{"code": "correction-of-itself", "severity": "error", "report": 0} in c.problems
}

test_ids_are_unique if {
	c := check([rep("a", "甲银行", "2024-09", {}), rep("a", "乙银行", "2024-09", {})])
	c.problems == {{"code": "duplicate-id", "severity": "error", "report": 1, "first": 0}}
}

test_a_month_is_reported_after_it_ends if {
	c := report.check with input as {
		"reports": [rep("a", "甲银行", "2024-10", {}), rep("b", "甲银行", "2024-09", {})],
		"asOfPeriod": "2024-10",
	}
		with data.notice as notice
	c.problems == {{"code": "period-not-over", "severity": "error", "report": 0, "asOfPeriod": "2024-10"}}
}

test_aggregation_sums_institutions_regions_and_the_nation if {
	reports := [
		rep("c", "乙银行", "2024-09", {"counts": {"abnormalQueries": 1, "misuses": 2}}),
		rep("a", "甲银行", "2024-09", {"counts": {"abnormalQueries": 3, "misuses": 0}}),
		rep("b", "丙银行", "2024-09", {"region": "上海市", "counts": {"abnormalQueries": 0, "misuses": 5}}),
	]
	a := report.aggregate with input as {"reports": reports} with data.notice as notice
	a == {
		"regions": [
			# Unicode order: 乙 (U+4E59) before 甲 (U+7532), 上 before 北.
			{"region": "上海市", "rows": [2], "total": {"abnormalQueries": 0, "misuses": 5}},
			{"region": "北京市", "rows": [0, 1], "total": {"abnormalQueries": 4, "misuses": 2}},
		],
		"total": {"abnormalQueries": 4, "misuses": 7},
		"headOffices": {"rows": [], "total": {"abnormalQueries": 0, "misuses": 0}},
	}
}

test_an_empty_set_aggregates_to_zeros if {
	a := report.aggregate with input as {"reports": []} with data.notice as notice
	a == {
		"regions": [],
		"total": {"abnormalQueries": 0, "misuses": 0},
		"headOffices": {"rows": [], "total": {"abnormalQueries": 0, "misuses": 0}},
	}
}

test_a_head_office_report_is_listed_apart_and_not_summed if {
	reports := [
		rep("h", "中国工商银行", "2024-09", {"counts": {"abnormalQueries": 7, "misuses": 0}}),
		rep("b", "中国工商银行北京市分行", "2024-09", {"reporterKind": "branch", "counts": {"abnormalQueries": 2, "misuses": 0}}),
	]
	n := object.union(notice, {"national": {"中国工商银行": true}})
	a := report.aggregate with input as {"reports": reports} with data.notice as n
	a.regions == [{"region": "北京市", "rows": [1], "total": {"abnormalQueries": 2, "misuses": 0}}]
	a.total == {"abnormalQueries": 2, "misuses": 0}
	a.headOffices == {"rows": [0], "total": {"abnormalQueries": 7, "misuses": 0}}
}

test_a_month_missing_in_a_series_is_charged_to_the_next_report if {
	# 2024-07, 2024-09 and 2024-12 of one reporter: August (2024*12+7), October and November missing.
	reports := [rep("a", "甲银行", "2024-07", {}), rep("c", "甲银行", "2024-12", {}), rep("b", "甲银行", "2024-09", {})]
	c := report.check with input as {"reports": reports} with data.notice as notice
	c.problems == {
		{"code": "month-missing", "severity": "error", "report": 2, "target": 24295},
		{"code": "month-missing", "severity": "error", "report": 1, "target": 24297},
		{"code": "month-missing", "severity": "error", "report": 1, "target": 24298},
	}
}
