"""The office's own words for the county report, given on its page: what `compile` takes as options.

    汇总单位名称   --name            the title's and signature's unit (default: serve --name)
    文字说明       --narrative FILE  a .docx/.md/.txt with 一、五、六 the office uploads (kept in web/county/)
                  --narrative-from  or the report the office filed like every department (a roster code)
    落款日期       --date            default: today (or the filed report's date)
    联系方式       --contact         地址、邮编、电话、电子邮箱、联系单位

Each is checked when the office saves it, with the same checks and messages compile applies,
so 生成汇总 never fails on them later. Stored as one JSON value in the database's config
(`county_text`); the uploaded file itself stays in the store's web/county/ folder.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from nianbao import clock
from nianbao.render.contact import Contact, ContactError, parse_contact

from .errors import BadRequest

CONFIG_KEY = "county_text"
FOLDER = "county"
CONTACT_FIELDS = (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("email", "邮箱"), ("office", "单位"))
NARRATIVE_SUFFIXES = (".docx", ".md", ".txt")
MAX_NAME_CHARS = 60


def empty(default_name: str | None) -> dict:
    return {"name": default_name or "", "narrative": "", "narrative_name": "", "narrative_from": "", "date": "",
            "contact": {}}


def load(db, default_name: str | None) -> dict:
    """What the office saved (defaults where it saved nothing)."""
    saved = empty(default_name)
    try:
        value = json.loads(db.get_config(CONFIG_KEY) or "{}")
    except ValueError:
        value = {}
    if isinstance(value, dict):
        saved.update({k: v for k, v in value.items() if k in saved})
    if saved["narrative"] and not Path(saved["narrative"]).is_file():  # removed by hand: as if never given
        saved["narrative"] = saved["narrative_name"] = ""
    return saved


def parse(fields: dict, upload: Path | None, *, fmt, roster, web_dir: Path, before: dict) -> dict:
    """The settings of a submitted form, checked (BadRequest in Chinese naming the field); an uploaded
    narrative file is read like compile --narrative reads it and kept in web/county/."""
    from nianbao.workflow.narrative import NarrativeError, chinese_date, read_narrative

    out = dict(before)
    name = " ".join(str(fields.get("name") or "").split())
    if len(name) > MAX_NAME_CHARS:
        raise BadRequest(f"汇总单位名称过长（{len(name)} 个字符，最多 {MAX_NAME_CHARS} 个）。", code="name")
    out["name"] = name
    date = str(fields.get("date") or "").strip()
    if date:
        try:
            chinese_date(date)
        except NarrativeError as exc:
            raise BadRequest(f"落款日期：{exc}", code="date") from None
    out["date"] = date
    source = fields.get("source") or ""
    if source == "file":
        if upload is None and not before.get("narrative"):
            raise BadRequest("请选择文字说明文件（.docx、.md 或 .txt，含“一、”“五、”“六、”三部分）。", code="narrative")
        if upload is not None:
            out["narrative"], out["narrative_name"] = _keep(upload, fmt, web_dir, read_narrative, NarrativeError)
        out["narrative_from"] = ""
    elif source == "from":
        code = str(fields.get("narrative_from") or "")
        if code not in {e.code for e in roster}:
            raise BadRequest("请选择采用哪个单位报送的年报中的文字（通常是县政府办公室）。", code="narrative_from")
        out["narrative_from"], out["narrative"], out["narrative_name"] = code, "", ""
    elif source == "none":
        out["narrative_from"], out["narrative"], out["narrative_name"] = "", "", ""
    out["contact"] = _contact(fields)
    return out


def _keep(upload: Path, fmt, web_dir: Path, read_narrative, error) -> tuple[str, str]:
    suffix = upload.suffix.lower()
    if suffix not in NARRATIVE_SUFFIXES:
        hint = "，请在 Word/WPS 中另存为 .docx" if suffix in (".doc", ".wps", ".odt", ".rtf") else ""
        raise BadRequest(f"文字说明文件的类型 {suffix or '（无扩展名）'} 不支持：可用 .docx、.md 或 .txt{hint}。",
                         code="narrative")
    try:
        read_narrative(upload, fmt)
    except error as exc:
        raise BadRequest(str(exc).replace(str(upload), upload.name), code="narrative") from None
    folder = Path(web_dir) / FOLDER / clock.now().strftime("%Y%m%d-%H%M%S-%f")  # one folder per file saved
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / upload.name  # the name as uploaded (made safe by uploads.safe_name): compile names it
    shutil.copyfile(upload, kept)
    return str(kept), upload.name


def _contact(fields: dict) -> dict:
    items = [f"{label}={value}" for key, label in CONTACT_FIELDS
             if (value := " ".join(str(fields.get(f"contact_{key}") or "").split()))]
    try:
        contact = parse_contact(items)
    except ContactError as exc:
        from nianbao.render.contact import USAGE

        raise BadRequest("联系方式：" + str(exc).replace(USAGE, "").replace("--contact ", "").strip("。 ") + "。",
                         code="contact") from None
    return {k: v for k, v in asdict(contact).items() if v} if contact else {}


def compile_options(saved: dict) -> dict:
    """The settings as work.compile_outputs takes them (the compile options of the same meaning)."""
    contact = Contact(**saved["contact"]) if saved.get("contact") else None
    return {"narrative": saved.get("narrative") or None, "narrative_from": saved.get("narrative_from") or None,
            "date": saved.get("date") or None, "contact": contact}


def save(db, saved: dict) -> None:
    db.set_config(**{CONFIG_KEY: json.dumps(saved, ensure_ascii=False)})
