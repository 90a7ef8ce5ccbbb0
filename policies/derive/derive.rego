# METADATA
# title: Findings derived from the inspector's evidence (银发〔2018〕102号 附件3)
# description: |
#   Whether a row of an evidence table is a violation is decided here; the host reads the tables,
#   joins them by key, streams them in chunks and sums the marks. Every number comes from
#   data.derivation (the ruleset's derivation.yaml). Dates arrive as points: `day` (days since
#   1970-01-01), `wo` (the working-day ordinal from policies/calendars), `q` (quarter number), `ym`
#   (month number) and `dom` (day of the month), so no date arithmetic happens here beyond integers.
package derive

items := data.derivation.items

param(item, name) := items[item].params[name]

ctx := input.context

rows := object.get(input, "rows", [])

in_period(pt) if {
	is_object(pt)
	pt.day >= ctx.from
	pt.day <= ctx.to
}

given(x) if is_object(x)

# A mark names a row (its index in the chunk), the item and finding it counts for, and why. A row
# marked `counted` is in the base of a percentage or a deviation; any other mark is a hit.
mark(i, item, finding, why) := {"i": i, "item": item, "finding": finding, "why": why}

# ==== the marks, table by table ==================================================================

# ---- 征信系统用户 -------------------------------------------------------------------------------

# 5.1: the users not stopped or cancelled by the end of the year.
marks contains mark(i, "5.1", "userCountDeviationPercent", "counted") if {
	input.table == "users"
	some i, u in rows
	u.created.day <= ctx.to
	not stopped_before(u, ctx.to + 1)
}

# 5.2: 实名.
marks contains mark(i, "5.2", "realNameNotEnforced", "not-real-name") if {
	input.table == "users"
	some i, u in rows
	active_in_period(u)
	u.realName == false
}

# 5.2: 备案 of the creation or the last change in the year.
marks contains mark(i, "5.2", "usersNotRegistered", why) if {
	input.table == "users"
	some i, u in rows
	ev := event(u)
	in_period(ev)
	why := filing_problem(u, ev)
}

# 5.3: roles combined, or a user shared by several people.
marks contains mark(i, "5.3", "sharedOrOverlappingUsers", "shared") if {
	input.table == "users"
	some i, u in rows
	active_in_period(u)
	u.shared == true
}

marks contains mark(i, "5.3", "sharedOrOverlappingUsers", "roles-combined") if {
	input.table == "users"
	some i, u in rows
	active_in_period(u)
	count({r | some r in u.roles; r in param("5.3", "exclusiveRoles")}) > 1
}

# 5.4: rights not stopped before the operator left; a query user idle too long and not locked.
marks contains mark(i, "5.4", "userDeactivationFailures", "not-stopped-on-leaving") if {
	input.table == "users"
	some i, u in rows
	is_object(u.holder)
	given(u.holder.left)
	u.holder.left.day <= ctx.asOf.day
	u.created.day <= u.holder.left.day
	not stopped_by(u, u.holder.left.day)
}

# Every idle stretch of the year counts (每次): `idle` holds each as [from, to, lockFrom], the days
# strictly between `from` and `to` having had no query. With idleDays of them the lock is due on the
# next day (立即锁定), which is `from` + idleDays + 1; `s` names the stretch for the findings file.
marks contains object.union(mark(i, "5.4", "userDeactivationFailures", "idle-not-locked"), {"s": s}) if {
	input.table == "users"
	some i, u in rows
	some r in u.roles
	r in param("5.4", "idleRoles")
	some s, st in u.idle
	due := (st[0] + param("5.4", "idleDays")) + 1
	due <= st[1]
	not stopped_by(u, due)
	not locked_between(u, st[2], due)
}

# 5.6: the initial password kept; a password older than the limit on the as-of day.
marks contains mark(i, "5.6", "passwordPolicyViolations", "initial-password-kept") if {
	input.table == "users"
	some i, u in rows
	in_use_on_as_of(u)
	u.initialPasswordChanged == false
}

marks contains mark(i, "5.6", "passwordPolicyViolations", "password-too-old") if {
	input.table == "users"
	some i, u in rows
	in_use_on_as_of(u)
	last := password_day(u)
	ctx.asOf.day - last > param("5.6", "passwordMaxAgeDays")
}

# 5.7: a user operated by someone without a formal labour contract.
marks contains mark(i, "5.7", "nonRegularStaffUsers", u.holder.employment) if {
	input.table == "users"
	some i, u in rows
	active_in_period(u)
	is_object(u.holder)
	u.holder.employment in param("5.7", "nonFormalEmployment")
}

# ---- 员工 with their 培训与测试 ------------------------------------------------------------------

marks contains mark(i, item, finding, "counted") if {
	input.table == "staff"
	some i, s in rows
	credit_staff_in_period(s)
	some [item, finding] in [["6.2", "passRatePercent"], ["6.3", "coveragePercent"]]
}

marks contains mark(i, "6.2", "passRatePercent", "no-test-passed") if {
	input.table == "staff"
	some i, s in rows
	credit_staff_in_period(s)
	not passed_in_period(s)
}

marks contains mark(i, "6.3", "coveragePercent", "no-training-attended") if {
	input.table == "staff"
	some i, s in rows
	credit_staff_in_period(s)
	not attended_in_period(s)
}

# ---- 查询记录 joined with 授权书 ------------------------------------------------------------------

marks contains mark(i, "8.1", "queriesWithoutAuthorization", why) if {
	input.table == "queries"
	some i, q in rows
	in_period(q.time)
	why := unauthorized(q)
	why in param("8.1", "treatedAsUnauthorized")
}

marks contains mark(i, "8.3", "queriesNotRegistered", "not-registered") if {
	input.table == "queries"
	some i, q in rows
	in_period(q.time)
	q.registered == false
}

marks contains mark(i, "8.3", "authorizationNotEnforced", "no-internal-approval") if {
	input.table == "queries"
	some i, q in rows
	in_period(q.time)
	q.reason in param("8.3", "approvalReasons")
	q.internalApproval == false
}

# ---- 授权书 -------------------------------------------------------------------------------------

marks contains mark(i, "8.2", "authorizationElementsMissing", concat(",", sort(missing))) if {
	input.table == "authorizations"
	some i, a in rows
	missing := {e | some e in param("8.2", "requiredElements"); not e in a.elements}
	count(missing) > 0
}

marks contains mark(i, "8.2", "formatContractWithoutNotice", "no-prominent-notice") if {
	input.table == "authorizations"
	param("8.2", "noticeRequired") == true
	some i, a in rows
	a.standardForm == true
	a.prominentNotice == false
}

# ---- 异议 ---------------------------------------------------------------------------------------

marks contains mark(i, "10.1", "lateReplies", why) if {
	input.table == "disputes"
	some i, d in rows
	in_period(d.received)
	why := late_reply(d)
}

marks contains mark(i, "10.2", "lateCorrections", why) if {
	input.table == "disputes"
	some i, d in rows
	in_period(d.received)
	d.correctionNeeded == true
	why := late_correction(d, correction_due(d))
}

# ---- 报备 ---------------------------------------------------------------------------------------

marks contains mark(i, "2.3", "rulesNotFiled", "not-filed") if {
	input.table == "filings"
	some i, f in rows
	f.kind in param("2.3", "kinds")
	in_period(f.event)
	not filed_by_as_of(f)
}

marks contains mark(i, "3.2", "auditReportsNotFiled", why) if {
	input.table == "filings"
	some i, f in rows
	f.kind in param("3.2", "kinds")
	in_period(f.event)
	why := audit_report_problem(f)
}

# ==== what the marks read, table by table ========================================================

# ---- 征信系统用户 -------------------------------------------------------------------------------

# A user in use at some time in the year.
active_in_period(u) if {
	u.created.day <= ctx.to
	not stopped_before(u, ctx.from)
}

stopped_before(u, day) if {
	given(u.disabled)
	u.disabled.day < day
}

# The event a user's 备案 is owed for: its last change, else its creation.
event(u) := u.changed if given(u.changed)

else := u.created

strict(u) if u.system in param("5.2", "strictSystems")

strict(u) if {
	some r in u.roles
	r in param("5.2", "strictRoles")
}

filing_problem(u, ev) := "filed-late" if {
	strict(u)
	filed_after(u, ev)
	u.filed.wo - ev.wo > param("5.2", "filingWorkingDays")
} else := "not-filed" if {
	strict(u)
	not filed_after(u, ev)
	ctx.asOf.wo - ev.wo > param("5.2", "filingWorkingDays")
} else := "filed-late" if {
	not strict(u)
	filed_after(u, ev)
	u.filed.q > ev.q + param("5.2", "otherUsersQuarters")
} else := "not-filed" if {
	not strict(u)
	not filed_after(u, ev)
	ctx.asOf.q > ev.q + param("5.2", "otherUsersQuarters")
}

filed_after(u, ev) if {
	given(u.filed)
	u.filed.day >= ev.day
	u.filed.day <= ctx.asOf.day
}

stopped_by(u, day) if {
	given(u.disabled)
	u.disabled.day <= day
}

# A lock counts for an idle stretch when it came after the last activity before it (lockFrom: a lock
# lifted for a query before the stretch does not lock it) and by the day the lock is due.
locked_between(u, since, day) if {
	given(u.locked)
	u.locked.day >= since
	u.locked.day <= day
}

# A user not stopped by the as-of day.
in_use_on_as_of(u) if {
	u.created.day <= ctx.asOf.day
	not stopped_by(u, ctx.asOf.day)
}

password_day(u) := u.passwordChanged.day if given(u.passwordChanged)

else := u.created.day

# ---- 员工 with their 培训与测试 ------------------------------------------------------------------

credit_staff_in_period(s) if {
	s.creditStaff == true
	s.joined.day <= ctx.to
	not left_before(s)
}

left_before(s) if {
	given(s.left)
	s.left.day < ctx.from
}

passed_in_period(s) if {
	some t in s.trainings
	in_period(t.date)
	t.passed == true
}

attended_in_period(s) if {
	some t in s.trainings
	in_period(t.date)
	t.attended == true
}

# ---- 查询记录 joined with 授权书 ------------------------------------------------------------------

# One reason per query (每笔), the first that applies.
unauthorized(q) := "none" if {
	q.authorization == null
} else := "unknown" if {
	q.authorization.found == false
} else := "undated" if {
	not given(q.authorization.signed)
} else := "signedAfterQuery" if {
	q.authorization.signed.day > q.time.day
} else := "expired" if {
	given(q.authorization.validUntil)
	q.time.day > q.authorization.validUntil.day
} else := "noOriginal" if {
	q.authorization.original == false
}

# ---- 异议 ---------------------------------------------------------------------------------------

answer_limit(d) := param("10.1", "forwardedAnswerDays") if d.forwarded == true

else := param("10.1", "answerDays")

answer_due(d) := d.received.day + answer_limit(d)

late_reply(d) := "answered-late" if {
	given(d.answered)
	d.answered.day > answer_due(d)
} else := "not-answered" if {
	not given(d.answered)
	ctx.asOf.day > answer_due(d)
}

correction_due(d) := d.answered.day if given(d.answered)

else := answer_due(d)

late_correction(d, due) := "corrected-late" if {
	given(d.corrected)
	d.corrected.day > due
} else := "not-corrected" if {
	not given(d.corrected)
	ctx.asOf.day > due
}

# ---- 报备 ---------------------------------------------------------------------------------------

filed_by_as_of(f) if {
	given(f.filed)
	f.filed.day <= ctx.asOf.day
}

# One month after the event: the same day of the month `withinMonths` later; comparing month and
# day as one number makes a day the later month lacks mean its last day.
month_key(pt) := (pt.ym * 100) + pt.dom

report_due_key(f) := ((f.event.ym + param("3.2", "withinMonths")) * 100) + f.event.dom

audit_report_problem(f) := "filed-late" if {
	filed_by_as_of(f)
	month_key(f.filed) > report_due_key(f)
} else := "not-filed" if {
	not filed_by_as_of(f)
	month_key(ctx.asOf) > report_due_key(f)
}

# ---- summary: totals of marks → findings --------------------------------------------------------

# input.totals[item][finding] = {"hits": n, "counted": m}; input.usersNeeded may be null.
summary := {"findings": findings, "undetermined": undetermined}

findings[item] := fs if {
	some item, spec in items
	fs := {finding: v |
		some finding, how in spec.derives
		v := value(how, total(item, finding))
	}
}

total(item, finding) := object.get(object.get(input.totals, item, {}), finding, {"hits": 0, "counted": 0})

value("count", t) := t.hits

# A flag with no hit is false, which the findings list; as an `if` rule it would be left out (undefined).
# regal ignore:boolean-assignment
value("flag", t) := t.hits > 0

value("percent", t) := round(((t.counted - t.hits) * 10000) / t.counted) / 100 if t.counted > 0

value("deviation", t) := round((abs(t.counted - input.usersNeeded) * 10000) / input.usersNeeded) / 100 if {
	is_number(input.usersNeeded)
	input.usersNeeded > 0
}

undetermined contains {"item": item, "finding": finding, "why": why} if {
	some item, spec in items
	some finding, how in spec.derives
	why := no_value(how, total(item, finding))
}

no_value("percent", t) := "no rows are counted (no credit staff employed in the year)" if t.counted == 0

no_value("deviation", _) := "the number of users the business needs was not given (--users-needed)" if {
	not is_number(input.usersNeeded)
}
