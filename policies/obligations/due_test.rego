package obligations.due_test

import data.obligations.due

notice := {
	"national": {"中国工商银行": true},
	"obligations": {
		"monthly": {
			"id": "monthly",
			"nature": "duty",
			"start": "month-ended",
			"schedule": {"kind": "monthly", "day": 10},
			"onNonWorkingDay": "nextWorkingDay",
			"interpretations": ["by-the-10th"],
			"reporters": {
				"national": {"recipient": "bureau"},
				"local": {"recipient": "local-pboc-branch", "schedule": {"day": 6}, "interpretations": ["local"]},
			},
		},
		"materials": {
			"id": "materials",
			"nature": "duty",
			"start": "rating-year",
			"schedule": {"kind": "annual", "month": 2, "lastDay": true},
			"onNonWorkingDay": "nextWorkingDay",
			"interpretations": [],
			"reporters": {"pboc-branch": {"recipient": "pboc"}},
		},
	},
}

test_a_reporter_gets_its_own_day_and_recipient if {
	r := due.resolve with data.notice as notice with input as {"obligation": "monthly", "reporter": "local"}
	r.ok
	r.rule.schedule == {"kind": "monthly", "day": 6}
	r.rule.recipient == "local-pboc-branch"
	r.rule.interpretations == ["by-the-10th", "local"]
}

test_the_national_head_office_keeps_the_schedule if {
	r := due.resolve with data.notice as notice with input as {"obligation": "monthly", "reporter": "national"}
	r.rule.schedule.day == 10
	r.rule.recipient == "bureau"
}

test_a_name_on_annex_1_is_national if {
	r := due.resolve with data.notice as notice with input as {"obligation": "monthly", "institution": {"name": "中国工商银行"}}
	r.rule.kind == "national"
}

test_a_branch_of_a_national_institution_is_a_branch if {
	r := due.resolve with data.notice as notice with input as {
		"obligation": "monthly",
		"institution": {"name": "中国工商银行北京市分行", "branchOf": "中国工商银行"},
	}
	r == {"ok": false, "problems": [{"code": "not-applicable", "kind": "branch", "allowed": ["local", "national"]}]}
}

test_another_institution_is_local if {
	r := due.resolve with data.notice as notice with input as {
		"obligation": "monthly",
		"institution": {"name": "某市农村商业银行"},
	}
	r.rule.kind == "local"
}

test_a_branch_of_a_local_institution_is_local if {
	k := due.reporter_kind({"name": "某银行北京分行", "branchOf": "某银行"}) with data.notice as notice
	k == "local"
}

test_an_obligation_of_one_kind_needs_no_reporter if {
	r := due.resolve with data.notice as notice with input as {"obligation": "materials"}
	r.rule.kind == "pboc-branch"
	r.rule.schedule.lastDay
}

test_an_obligation_of_several_kinds_needs_a_reporter if {
	r := due.resolve with data.notice as notice with input as {"obligation": "monthly"}
	r == {"ok": false, "problems": [{"code": "reporter-needed", "allowed": ["local", "national"]}]}
}

test_an_unknown_obligation_lists_the_known_ones if {
	r := due.resolve with data.notice as notice with input as {"obligation": "nope", "reporter": "local"}
	r == {"ok": false, "problems": [{"code": "unknown-obligation", "allowed": ["materials", "monthly"]}]}
}

test_a_plan_lists_every_obligation_of_the_kind if {
	p := due.plan with data.notice as notice with input as {"reporter": "pboc-branch"}
	p.kind == "pboc-branch"
	[r.id | some r in p.rules] == ["materials"]
}

check(c) := s if {
	[s] := due.status with input as {"checks": [object.union({"key": "k", "nature": "duty"}, c)]}
}

test_on_the_due_day_is_on_time if {
	s := check({"due": {"day": 100, "wo": 50}, "submitted": {"day": 100, "wo": 50}, "asOf": {"day": 120}})
	s == {"key": "k", "status": "on-time", "early": {"days": 0, "workingDays": 0}}
}

test_a_day_after_is_late_in_days_and_working_days if {
	s := check({"due": {"day": 100, "wo": 50}, "submitted": {"day": 104, "wo": 52}, "asOf": {"day": 120}})
	s == {"key": "k", "status": "late", "late": {"days": 4, "workingDays": 2}}
}

test_without_ordinals_lateness_is_in_days if {
	s := check({"due": {"day": 100}, "submitted": {"day": 103}, "asOf": {"day": 120}})
	s == {"key": "k", "status": "late", "late": {"days": 3}}
}

test_nothing_submitted_after_the_due_day_is_missing if {
	s := check({"due": {"day": 100, "wo": 50}, "asOf": {"day": 101, "wo": 51}})
	s == {"key": "k", "status": "missing", "overdue": {"days": 1, "workingDays": 1}}
}

test_nothing_submitted_by_the_due_day_is_pending if {
	s := check({"due": {"day": 100, "wo": 50}, "asOf": {"day": 100, "wo": 50}})
	s.status == "pending"
	s.left == {"days": 0, "workingDays": 0}
}

test_a_right_not_used_in_time_lapses if {
	s := check({"nature": "right", "due": {"day": 100}, "asOf": {"day": 130}})
	s.status == "lapsed"
	t := check({"nature": "right", "due": {"day": 100}, "submitted": {"day": 101}, "asOf": {"day": 130}})
	t.status == "out-of-time"
}

operator_notice := object.union(notice, {
	"operators": {"中国人民银行征信中心": true},
	"localMarkers": ["农村商业银行"],
	"pbocMarkers": ["人民银行"],
})

test_the_operator_is_its_own_kind if {
	p := due.plan with data.notice as operator_notice with input as {"institution": {"name": "中国人民银行征信中心"}}
	p.kind == "operator"
	p.basis == "operator-name"
}

test_an_unlisted_name_is_local_but_flagged if {
	p := due.plan with data.notice as operator_notice with input as {"institution": {"name": "某某银行"}}
	p.kind == "local"
	p.basis == "unlisted"
}

test_a_plainly_local_name_is_not_flagged if {
	p := due.plan with data.notice as operator_notice with input as {"institution": {"name": "某市农村商业银行"}}
	p.basis == "plainly-local"
}

test_a_name_beginning_with_an_annex_1_name_is_its_branch if {
	p := due.plan with data.notice as operator_notice with input as {"institution": {"name": "中国工商银行北京市分行"}}
	p.kind == "branch"
	p.basis == "branch-name"
}

test_a_pboc_name_is_flagged if {
	p := due.plan with data.notice as operator_notice with input as {"institution": {"name": "中国人民银行上海分行"}}
	p.basis == "pboc-name"
}

test_further_recipients_and_inferred_dates_pass_through if {
	n := object.union(notice, {"obligations": {"monthly": {
		"inferred": "a-reading",
		"reporters": {"national": {"recipient": "bureau", "alsoTo": ["departments"]}},
	}}})
	r := due.resolve with data.notice as n with input as {"obligation": "monthly", "reporter": "national"}
	r.rule.alsoTo == ["departments"]
	r.rule.inferred == "a-reading"
}
