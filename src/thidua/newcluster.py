"""`thidua init`: a new cluster repository, valid for `thidua check` from the first minute.

It writes `cluster.yaml` (the cluster, its members, the state award types every cluster meets, the
language), the schemas that editors and other tools validate the files with, a README for the
secretariat in Vietnamese, a `.gitignore` and, when asked, a pre-commit configuration. The folder
must be new or empty: nothing that is there is ever overwritten, and a refused or failed start
leaves nothing behind.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from thidua.findings import Refused
from thidua.i18n import _
from thidua.names import fold
from thidua.writes import WriteRefused, write_atomic
from thidua.yamledit import block
from thidua.yamlfile import load_yaml

# The state-level titles and forms every cluster proposes or receives (Nghị định 98/2023/NĐ-CP,
# Điều 3); a cluster adds its own below them.
STATE_AWARDS = [
    {
        "id": "co-thi-dua-chinh-phu",
        "title": "Cờ thi đua của Chính phủ",
        "level": "Chính phủ",
        "recipients": "collective",
        "basis": "Nghị định 98/2023/NĐ-CP, Điều 3",
    },
    {
        "id": "bang-khen-thu-tuong",
        "title": "Bằng khen của Thủ tướng Chính phủ",
        "level": "Thủ tướng Chính phủ",
        "recipients": "both",
        "basis": "Nghị định 98/2023/NĐ-CP, Điều 3",
    },
    {
        "id": "chien-si-thi-dua-toan-quoc",
        "title": "Chiến sĩ thi đua toàn quốc",
        "level": "Nhà nước",
        "recipients": "individual",
        "basis": "Nghị định 98/2023/NĐ-CP, Điều 3",
    },
]

README = """\
# Hồ sơ {name}

Thư mục này lưu hồ sơ của {name} theo định dạng của `thidua`: danh sách thành viên, các chỉ tiêu,
số liệu và khen thưởng của từng năm, Cụm trưởng, Cụm phó và giao ước thi đua.

- `cluster.yaml`: thông tin chung của Cụm, các thành viên, các chỉ tiêu và hình thức khen thưởng.
- Mỗi năm một thư mục (`2025/`): `indicators.csv`, `awards.csv`, `leadership.yaml`,
  `conference.yaml`, `pledge.yaml`.
- `schemas/`: các tệp để trình soạn thảo kiểm tra tệp ngay khi gõ (do `thidua schema` tạo).

Sau mỗi lần sửa, chạy `thidua check` để kiểm tra. Hướng dẫn sử dụng bằng tiếng Việt đi kèm `thidua`
(thư mục `docs/vi/`).
"""

GITIGNORE = """\
# temporary files of an interrupted write (thidua removes them)
.thidua-*.tmp
# reports written beside the records, if they are not to be kept in git
*.docx
"""

PRE_COMMIT = """\
repos:
  - repo: local
    hooks:
      - id: thidua-check
        name: thidua check
        entry: thidua check .
        language: system
        pass_filenames: false
        files: \\.(ya?ml|csv)$
"""


@dataclass(slots=True)
class NewCluster:
    """What a new cluster repository starts with."""

    name: str
    members: list[str]
    kind: str = "tỉnh"
    id: str | None = None
    lang: str = "vi"
    pre_commit: bool = False
    warnings: list[str] = field(default_factory=list)


class InitRefused(Refused):
    """A new repository that cannot be started; the message says why."""


# headers of the column of members' names in a sheet (folded); a column of numbers beside it
# (STT) is passed over
_NAME_HEADERS = frozenset(
    ["member", "name", "ten", "thanh-vien", "don-vi", "ten-don-vi", "tinh", "tinh-thanh-pho"]
)


def members_from(path: Path) -> list[str]:
    """Member names from a sheet: an .xlsx workbook or a CSV in any encoding Excel saves (the
    column headed 'Tên', 'Đơn vị', 'member'… or else the first column of text), or a plain list,
    one name a line."""
    from thidua.sheets import SheetRefused, read_sheet

    try:
        sheet = read_sheet(path, max_rows=2_000)
    except SheetRefused as exc:
        raise InitRefused(str(exc)) from None
    rows = [[c for c in row if not c.empty] for row in sheet.rows]
    column = None
    for row in rows[:30]:
        for cell in row:
            if isinstance(cell.value, str) and fold(cell.value) in _NAME_HEADERS:
                column = cell.column
                break
        if column is not None:
            break
    names = []
    for row in rows:
        texts = [c for c in row if isinstance(c.value, str) and not c.value.strip().isdigit()]
        if column is not None:
            texts = [c for c in texts if c.column == column]
        if not texts:
            continue
        first = texts[0].value
        assert isinstance(first, str)
        if fold(first) in _NAME_HEADERS or fold(first) == "stt":
            continue
        names.append(first.strip())
    return names


def plan(new: NewCluster) -> dict[str, str]:
    """The files of the new repository, by their path inside it (nothing written yet)."""
    from thidua.models import Cluster
    from thidua.schema import schemas, table_schemas

    if not new.name.strip():
        raise InitRefused(_("the cluster's name is empty; give it with --name"))
    if not new.members:
        raise InitRefused(_("a cluster needs members; give them with --member or --members-from"))
    members = []
    seen: dict[str, str] = {}
    for name in new.members:
        member_id = fold(name)
        if not member_id:
            raise InitRefused(_("'{name}' gives no id; write the member's name").format(name=name))
        if member_id in seen:
            raise InitRefused(
                _("'{name}' and '{other}' give the same id '{id}'; name them apart").format(
                    name=name, other=seen[member_id], id=member_id
                )
            )
        seen[member_id] = name
        members.append({"id": member_id, "name": name, "kind": new.kind})
    data = {
        "format": 1,
        "id": new.id or fold(new.name),
        "name": new.name.strip(),
        "lang": new.lang,
        "members": members,
        "indicators": [],
        "award_types": STATE_AWARDS,
    }
    cluster = Cluster.model_validate(data)  # what is written reads back as this cluster
    text = (
        "# yaml-language-server: $schema=schemas/cluster.schema.json\n"
        "# The cluster: its members, the indicators they report and the awards they receive.\n"
        "# Add an 'indicators:' list (see the format's documentation), then run 'thidua check'.\n"
        + "\n".join(block(data, 0))
        + "\n"
    )
    doc, findings = load_yaml(text, "cluster.yaml")
    if findings or Cluster.model_validate(doc.data) != cluster:  # a bug: nothing is written
        raise AssertionError(f"cluster.yaml would not read back as written: {findings}")
    files = {
        "cluster.yaml": text,
        "README.md": README.format(name=new.name.strip()),
        ".gitignore": GITIGNORE,
    }
    import json

    for kind, schema in schemas().items():
        files[f"schemas/{kind}.schema.json"] = (
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        )
    for kind, schema in table_schemas(cluster).items():
        files[f"schemas/{kind}.table.json"] = (
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        )
    if new.pre_commit:
        files[".pre-commit-config.yaml"] = PRE_COMMIT
    return files


def start(folder: Path, new: NewCluster) -> list[Path]:
    """Write a new repository into `folder`, which must be new or empty; all or nothing."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InitRefused(
            _(
                "{folder} is not an empty folder; thidua init starts a repository in a new one"
            ).format(folder=folder)
        )
    files = plan(new)
    created = not folder.exists()
    written = []
    try:
        for rel, text in files.items():
            path = folder / rel
            write_atomic(path, text)
            written.append(path)
    except WriteRefused:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for path in written:
                path.unlink(missing_ok=True)
        raise
    return written
