"""The generated sentences and tables of the progress report (整改进展通报).

Pure functions of a snapshot's figures (and the previous snapshot's, for the change
since the last report). The report is an official Chinese document (公文) with a fixed
layout and wording, so its sentences are written in Chinese here rather than
translated from English message ids: there is no other language version of it.
"""

from datetime import date

SOURCE_NAMES = {"central": "中央生态环境保护督察", "provincial": "省生态环境保护督察"}
LEVEL_NAMES = {1: "提醒", 2: "督办", 3: "挂牌督办"}


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def finished(row: dict) -> int:
    return row.get("closed", 0) + row.get("stage_closed", 0)


def tasks_sentence(figures: dict) -> str:
    t = figures["tasks"]
    head = f"督察反馈问题整改任务共{t['total']}项，已完成{t['completed']}项"
    if t["in_progress"] == 0:
        return head + "，已全部完成整改。" if t["total"] else "暂无整改任务。"
    detail = [f"按序时推进{t['on_schedule']}项"]
    if t["at_risk"]:
        detail.append(f"存在滞后风险{t['at_risk']}项")
    if t["overdue"]:
        detail.append(f"逾期未完成{t['overdue']}项")
    return f"{head}，{t['in_progress']}项正在推进（其中{'，'.join(detail)}）。"


def referral_sentence(source: str, row: dict) -> str:
    """E.g. "中央生态环境保护督察交办信访件153件，已办结152件，1件正在按序时推进。" """
    name = SOURCE_NAMES[source]
    received, done, open_ = row["received"], finished(row), row["in_progress"]
    if not received:
        return f"{name}暂无交办信访件。"
    text = f"{name}交办信访件{received}件，"
    if open_ == 0 and not row.get("rejected"):
        text += "已全部办结"
    else:
        text += f"已办结{done}件"
        if open_:
            text += f"，{open_}件正在按序时推进" if not row.get("overdue") else \
                f"，{open_}件正在办理（其中逾期{row['overdue']}件）"
        if row.get("rejected"):
            text += f"，不予受理{row['rejected']}件"
    if row.get("stage_closed"):
        text += f"（办结件中阶段性办结{row['stage_closed']}件）"
    return text + "。"


def citizen_sentence(figures: dict) -> str:
    c = figures["citizen"]
    text = f"平台受理群众举报{c['received']}件，已办结{finished(c)}件，正在办理{c['in_progress']}件"
    rates = []
    if c["on_time"]["percent"] is not None:
        rates.append(f"按期办结率{c['on_time']['percent']}%")
    if c["satisfaction"]["percent"] is not None:
        rates.append(f"群众满意率{c['satisfaction']['percent']}%")
    return text + ("，" + "，".join(rates) if rates else "") + "。"


def change_sentence(label: str, now: dict, before: dict | None) -> str:
    """The change since the previous report, e.g. "较上期新增交办18件，新增办结17件"."""
    if before is None:
        return ""
    added, closed = now["received"] - before["received"], finished(now) - finished(before)
    parts = []
    if added:
        parts.append(f"新增交办{added}件" if added > 0 else f"减少{-added}件")
    parts.append(f"新增办结{closed}件" if closed >= 0 else f"办结件减少{-closed}件")
    return f"{label}较上期{'，'.join(parts)}。"


def supervision_sentence(figures: dict) -> str:
    s = figures.get("supervision") or {}
    if not s.get("issued"):
        return "本期未下发督办单。"
    levels = "、".join(f"{LEVEL_NAMES[n]}{s[f'level_{n}']}份" for n in (1, 2, 3) if s.get(f"level_{n}"))
    text = f"累计下发督办单{s['issued']}份（其中{levels}），已答复{s['replied']}份，按期答复{s['replied_on_time']}份"
    if s.get("overdue"):
        text += f"，逾期未答复{s['overdue']}份，已逐级升级督办"
    return text + "。"


def accountability_sentence(figures: dict) -> str:
    a = figures.get("accountability") or {}
    if not a.get("records"):
        return "本期未发生责任追究。"
    return f"对办理不力、整改不到位的单位和个人严肃追责问责，{a['wording']}。"


def spot_check_sentence(figures: dict) -> str:
    s = figures.get("spot_checks") or {}
    if not s.get("sampled"):
        return "“回头看”抽查尚未开展。"
    text = f"开展“回头看”抽查，累计抽取{s['sampled']}件，已复核{s['checked']}件，其中整改成效巩固{s['confirmed']}件"
    if s.get("relapsed"):
        text += f"，发现反弹{s['relapsed']}件，已重新交办整改"
    if s.get("not_verifiable"):
        text += f"，无法核实{s['not_verifiable']}件"
    return text + "。"


def batch_rows(figures: dict) -> list[list]:
    rows = []
    for b in figures.get("batches", []):
        rows.append([b["title"], b["received"], finished(b), b.get("stage_closed", 0), b["in_progress"],
                     b.get("overdue", 0)])
    return rows


BATCH_HEADINGS = ["批次", "交办件数", "已办结", "其中阶段性办结", "正在办理", "逾期"]
TASK_HEADINGS = ["任务总数", "已完成", "按序时推进", "存在滞后风险", "逾期"]
SUPERVISION_HEADINGS = ["督办单", "已答复", "按期答复", "逾期未答复", "问责单位", "问责人员", "抽查件数", "发现反弹"]


def task_row(figures: dict) -> list:
    t = figures["tasks"]
    return [t["total"], t["completed"], t["on_schedule"], t["at_risk"], t["overdue"]]


def supervision_row(figures: dict) -> list:
    s, a, c = (figures.get(k) or {} for k in ("supervision", "accountability", "spot_checks"))
    return [s.get("issued", 0), s.get("replied", 0), s.get("replied_on_time", 0), s.get("overdue", 0),
            a.get("units", 0), a.get("persons", 0), c.get("sampled", 0), c.get("relapsed", 0)]


def report_sections(figures: dict, before: dict | None, as_of: date) -> dict:
    """Every generated paragraph of the report, by section."""
    referrals = figures["referrals"]
    overall = [f"截至{cn_date(as_of)}，{tasks_sentence(figures)}"]
    referral_lines = [referral_sentence(s, referrals[s]) for s in ("central", "provincial") if s in referrals]
    changes = [change_sentence(SOURCE_NAMES[s] + "交办信访件", referrals[s], (before or {}).get("referrals", {}).get(s))
               for s in ("central", "provincial") if s in referrals and before is not None]
    if before is not None:
        changes.append(change_sentence("群众举报", figures["citizen"], before.get("citizen")))
        prev_tasks = before["tasks"]["completed"]
        changes.append(f"整改任务较上期新增完成{figures['tasks']['completed'] - prev_tasks}项。")
    return {
        "overall": overall,
        "referrals": referral_lines + [citizen_sentence(figures)],
        "changes": [c for c in changes if c],
        "supervision": [supervision_sentence(figures), accountability_sentence(figures),
                        spot_check_sentence(figures)],
    }
