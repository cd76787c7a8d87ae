"""Upload a recording, get its assessment and trace, correct it, download reports."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ...exceptions import ClonusError
from ...store import BlobStore, UploadTooLargeError
from ...store import repository as repo
from ...store.tables import AssessmentRow, RecordingRow, User, utcnow
from ..analysis import Analysis
from ..deps import AnalyserDep, BlobsDep, CurrentUser, DbDep, SettingsDep
from ..review import recompute_assessment
from ..schemas import RecordingSummary, ReviewCreate

router = APIRouter(prefix="/api", tags=["recordings"])
log = logging.getLogger("clonus.web")

#: Multipart framing allowed on top of the file-size limit (bytes).
_MULTIPART_OVERHEAD = 64 * 1024
#: An upload for a patient joins the patient's session started within this time, if any.
_SESSION_REUSE = timedelta(hours=12)

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "The recording (any format `clonus formats` lists)."},
                "patient_id": {"type": "integer"},
                "session_id": {"type": "integer"},
            }}}},
    }
}


def recording_json(db: Session, rec: RecordingRow) -> dict[str, Any]:
    """The API view of a recording: its automatic assessment in the JSON contract (the same
    as ``clonus assess --json``) plus ``id``, ``assessment_id``, ``record`` and ``corrected``.
    """
    auto = repo.automatic_assessment(db=db, recording=rec)
    corr = repo.corrected_assessment(db=db, recording=rec)
    out = dict(auto.result)
    out["id"] = rec.id
    out["assessment_id"] = auto.id
    out["record"] = {
        "filename": rec.filename, "sha256": rec.sha256, "size_bytes": rec.size_bytes,
        "format": rec.format, "patient_id": rec.patient_id, "session_id": rec.session_id,
        "created_at": repo.iso_utc(rec.created_at), "start_time": rec.start_time,
        "tz_is_local": rec.tz_is_local, "corrected_assessment_id": corr.id if corr else None,
        "channels": list((rec.channels or {}).get("channels", [])),
        "messages": list((rec.channels or {}).get("messages", [])),
    }
    out["corrected"] = dict(corr.result) if corr else None
    return out


def owned_recording(db: Session, user: User, recording_id: int) -> RecordingRow:
    rec = repo.get_recording(db=db, owner_id=user.id, recording_id=recording_id)
    if rec is None:
        raise HTTPException(status_code=404, detail=f"No recording {recording_id}.")
    return rec


def _int_field(form: Any, name: str) -> int | None:
    raw = form.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise HTTPException(status_code=422,
                            detail=f"{name} must be an integer, got {raw!r}.") from None


@router.post("/recordings", status_code=201, openapi_extra=_UPLOAD_BODY,
             summary="Upload and assess a recording",
             responses={201: {"description": "The assessment in the JSON contract of "
                                             "`clonus assess --json`, plus `id` (the new "
                                             "recording), `assessment_id`, `record` and "
                                             "`corrected` (null)."},
                        413: {"description": "Larger than the upload limit."},
                        415: {"description": "Not multipart/form-data."},
                        422: {"description": "A file clonus cannot read, with the reason."}})
async def upload_recording(request: Request, user: CurrentUser, db: DbDep,
                           settings: SettingsDep, blobs: BlobsDep,
                           analyser: AnalyserDep) -> dict[str, Any]:
    """Store a recording and answer with its assessment (the ``clonus assess --json`` contract)
    plus the new record's ``id``.

    The upload is limited to ``max_upload_bytes`` while it streams (413 beyond), and the file
    is read and assessed before anything is stored: a file clonus cannot read is refused with
    422 and the reason. The original file is then kept by checksum and the records are
    committed, in that order, so an interrupted upload never leaves a half-written record.
    """
    limit = settings.max_upload_bytes
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise HTTPException(status_code=415,
                            detail="Send the recording as multipart/form-data, field 'file'.")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + _MULTIPART_OVERHEAD:
        raise HTTPException(status_code=413, detail=f"The upload is larger than the limit of "
                            f"{limit} bytes. Send a shorter recording.")

    async def limited() -> AsyncIterator[bytes]:
        n = 0
        async for chunk in request.stream():
            n += len(chunk)
            if n > limit + _MULTIPART_OVERHEAD:
                raise UploadTooLargeError(f"The upload is larger than the limit of {limit} "
                                          "bytes. Send a shorter recording.")
            yield chunk

    try:
        form = await MultiPartParser(request.headers, limited(), max_files=1,
                                     max_fields=10).parse()
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail=f"Malformed upload: {exc.message}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(status_code=422,
                                detail="No file in the upload: send it in the field 'file'.")
        patient_id = _int_field(form, "patient_id")
        session_id = _int_field(form, "session_id")
        return await run_in_threadpool(_store_upload, db=db, user=user, blobs=blobs,
                                       analyser=analyser, upload=upload, limit=limit,
                                       patient_id=patient_id, session_id=session_id)
    finally:
        await form.close()


def _store_upload(*, db: Session, user: User, blobs: BlobStore,
                  analyser: Callable[[Path], Analysis], upload: UploadFile, limit: int,
                  patient_id: int | None, session_id: int | None) -> dict[str, Any]:
    if patient_id is not None and repo.get_patient(db=db, owner_id=user.id,
                                                   patient_id=patient_id) is None:
        raise HTTPException(status_code=404, detail=f"No patient {patient_id}.")
    if session_id is not None:
        sess = repo.get_session(db=db, owner_id=user.id, session_id=session_id)
        if sess is None:
            raise HTTPException(status_code=404, detail=f"No session {session_id}.")
        if patient_id is not None and sess.patient_id != patient_id:
            raise HTTPException(status_code=422,
                                detail=f"Session {session_id} belongs to another patient.")
        patient_id = sess.patient_id
    filename = Path(upload.filename or "recording").name or "recording"
    upload.file.seek(0)
    with blobs.spool(upload.file, suffix="".join(Path(filename).suffixes), max_bytes=limit) as sp:
        try:
            analysis = analyser(sp.path)  # read + assess BEFORE anything is stored
        except ClonusError as exc:
            msg = str(exc).replace(str(sp.path), filename).replace(sp.path.name, filename)
            raise HTTPException(status_code=422, detail=msg) from None
        a = analysis.assessment
        result = a.to_dict()
        result["source"] = filename
        messages = [m.replace(sp.path.name, filename) for m in analysis.messages]
        trace = a.trace.to_dict() if a.trace is not None else None
        if patient_id is not None and session_id is None:
            recent = [s for s in repo.list_sessions(db=db, owner_id=user.id,
                                                    patient_id=patient_id)
                      if s.started_at >= utcnow() - _SESSION_REUSE]
            session_id = (recent[-1].id if recent else repo.create_session(
                db=db, owner_id=user.id, patient_id=patient_id).id)
        blobs.commit(sp)  # the file is in place (fsync + atomic rename) ...
        rec_info = analysis.recording
        rec, _ = repo.add_recording(
            db=db, owner_id=user.id, filename=filename, sha256=sp.sha256,
            size_bytes=sp.size_bytes, assessment=result, trace=trace, settings=result["config"],
            patient_id=patient_id, session_id=session_id, file_format=analysis.file_format,
            fs_hz=float(rec_info.fs), channels=analysis.channel_info(),
            start_time=rec_info.start_time.isoformat() if rec_info.start_time else None,
            tz_is_local=bool(rec_info.tz_is_local), messages=messages)
        db.commit()  # ... before the record that refers to it is committed
    log.info("recording %d stored (%d bytes)", rec.id, sp.size_bytes)
    return recording_json(db, rec)


@router.get("/recordings", response_model=list[RecordingSummary], summary="List recordings")
def list_recordings(db: DbDep, user: CurrentUser, patient_id: int | None = None,
                    session_id: int | None = None) -> list[dict[str, Any]]:
    out = []
    for rec in repo.list_recordings(db=db, owner_id=user.id, patient_id=patient_id,
                                    session_id=session_id):
        auto = repo.automatic_assessment(db=db, recording=rec)
        corr = repo.corrected_assessment(db=db, recording=rec)
        eff = corr or auto
        out.append({"id": rec.id, "filename": rec.filename, "patient_id": rec.patient_id,
                    "session_id": rec.session_id, "created_at": rec.created_at,
                    "sha256": rec.sha256, "size_bytes": rec.size_bytes,
                    "assessment_id": auto.id, "corrected_assessment_id": corr.id if corr else None,
                    "n_beats": eff.n_beats, "frequency_hz": eff.frequency_hz,
                    "clonus_duration_s": eff.clonus_duration_s,
                    "classification": eff.classification})
    return out


@router.get("/recordings/{recording_id}", summary="A recording's assessment")
def get_recording(recording_id: int, db: DbDep, user: CurrentUser) -> dict[str, Any]:
    """The same body as the upload answered, plus the corrected result if there is one."""
    return recording_json(db, owned_recording(db, user, recording_id))


@router.delete("/recordings/{recording_id}", status_code=204, summary="Delete a recording")
def delete_recording(recording_id: int, db: DbDep, user: CurrentUser,
                     blobs: BlobsDep) -> Response:
    """Delete a recording, its assessments and corrections, and its original file (unless
    another recording holds the same bytes). The records go first, the file after the commit,
    so a crash in between leaves only an unreferenced file, never a record without its file."""
    rec = owned_recording(db, user, recording_id)
    sha = repo.delete_recording(db=db, recording=rec)
    db.commit()
    if repo.count_blob_references(db=db, sha256=sha) == 0:
        blobs.remove(sha)
    log.info("recording %d deleted", recording_id)
    return Response(status_code=204)


@router.get("/recordings/{recording_id}/trace", summary="The signal for plotting")
def get_trace(recording_id: int, db: DbDep, user: CurrentUser) -> dict[str, Any]:
    """The derived signal (motion angle in deg or EMG envelope in uV), at most 5000 points."""
    rec = owned_recording(db, user, recording_id)
    auto = repo.automatic_assessment(db=db, recording=rec)
    return {"trace": auto.trace}


@router.get("/recordings/{recording_id}/file", summary="Download the original file")
def get_file(recording_id: int, db: DbDep, user: CurrentUser, blobs: BlobsDep) -> FileResponse:
    rec = owned_recording(db, user, recording_id)
    path = blobs.path_for(rec.sha256)
    if not path.is_file():
        raise HTTPException(status_code=410, detail="The original file is missing from the store.")
    return FileResponse(path, filename=rec.filename, media_type="application/octet-stream")


@router.patch("/recordings/{recording_id}/review", summary="Correct beats or stretch onset")
def review(recording_id: int, body: ReviewCreate, db: DbDep,
           user: CurrentUser) -> dict[str, Any]:
    """Store a corrected assessment beside the automatic one (which is never changed).

    Send the full corrected list of beat times (add, remove or move beats) and the stretch
    onset; count, frequency, duration and grades are recomputed from them.
    """
    rec = owned_recording(db, user, recording_id)
    auto = repo.automatic_assessment(db=db, recording=rec)
    corrected = recompute_assessment(auto.result, beat_times_s=body.beat_times_s,
                                     stretch_onset_s=body.stretch_onset_s, trace=auto.trace,
                                     reviewer=f"user:{user.id}")
    prev = repo.corrected_assessment(db=db, recording=rec) or auto
    before = {round(b["time_s"], 6) for b in prev.result.get("beats", [])}
    after = {round(b["time_s"], 6) for b in corrected["beats"]}
    changes = {"added_s": sorted(after - before), "removed_s": sorted(before - after),
               "stretch_onset_s": [prev.result.get("stretch_onset_s"), body.stretch_onset_s]}
    repo.add_correction(db=db, owner_id=user.id, automatic=auto, corrected=corrected,
                        changes=changes, trace=None)
    db.commit()
    return recording_json(db, rec)


# ------------------------------------------------------------------ assessments and reports
def owned_assessment(db: Session, user: User, assessment_id: int) -> AssessmentRow:
    a = repo.get_assessment(db=db, owner_id=user.id, assessment_id=assessment_id)
    if a is None:
        raise HTTPException(status_code=404, detail=f"No assessment {assessment_id}.")
    return a


@router.get("/assessments/{assessment_id}", tags=["assessments"], summary="One assessment")
def get_assessment(assessment_id: int, db: DbDep, user: CurrentUser) -> dict[str, Any]:
    """An assessment in the JSON contract plus ``id``, ``kind`` (automatic or corrected),
    ``recording_id`` and, for a corrected one, the reviewer's ``edits``."""
    a = owned_assessment(db, user, assessment_id)
    out = dict(a.result)
    out.update({"id": a.id, "kind": a.kind, "recording_id": a.recording_id,
                "parent_id": a.parent_id})
    if a.kind == "corrected":
        out["edits"] = [e.changes for e in repo.list_edits(db=db, owner_id=user.id,
                                                           automatic_id=a.parent_id)
                        if e.corrected_id == a.id]
    return out


_REPORT_TYPES = {"html": (".html", "text/html; charset=utf-8"),
                 "pdf": (".pdf", "application/pdf"),
                 "fhir": (".fhir.json", "application/fhir+json")}


@router.get("/assessments/{assessment_id}/report", tags=["assessments"],
            summary="Download a report (HTML, PDF or FHIR JSON)",
            response_class=Response,
            responses={200: {"content": {t: {} for _, t in _REPORT_TYPES.values()}}})
def get_report(assessment_id: int, db: DbDep, user: CurrentUser, blobs: BlobsDep,
               format: Literal["html", "pdf", "fhir"] = "html") -> Response:
    """A report of one assessment made by :func:`clonus.report.write_report`, with the
    patient's latest clinical context when one is recorded."""
    a = owned_assessment(db, user, assessment_id)
    rec = owned_recording(db, user, a.recording_id)
    suffix, media = _REPORT_TYPES[format]
    data = _make_report(db=db, user=user, blobs=blobs, a=a, rec=rec, suffix=suffix)
    stem = f"clonus-assessment-{a.id}"
    return Response(content=data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{stem}{suffix}"'})


def _with_trace(db: Session, a: AssessmentRow, rec: RecordingRow) -> Any:
    """The stored assessment as an :class:`Assessment`, with the stored trace put back."""
    import dataclasses

    import numpy as np

    from ...model import Assessment, Trace

    assessment = Assessment.from_dict(a.result)
    auto = a if a.kind == "automatic" else repo.automatic_assessment(db=db, recording=rec)
    if auto.trace:
        t = auto.trace
        trace = Trace(np.asarray(t["times_s"], dtype=float),
                      np.asarray([np.nan if v is None else v for v in t["values"]], dtype=float),
                      t.get("unit", ""), t.get("label", ""))
        assessment = dataclasses.replace(assessment, trace=trace)
    return assessment


def _patient_context(db: Session, user: User, patient_id: int | None,
                     session_id: int | None) -> Any:
    """The patient's latest clinical context, with the patient code as subject code."""
    if patient_id is None:
        return None
    patient = repo.get_patient(db=db, owner_id=user.id, patient_id=patient_id)
    row = repo.get_context(db=db, owner_id=user.id, patient_id=patient_id,
                           session_id=session_id)
    data = dict(row.data) if row is not None else {}
    if patient is not None and not data.get("subject_code"):
        data["subject_code"] = patient.code
    from ...clinical import ClinicalContext

    return ClinicalContext.from_dict(data)


def render_report(*, assessments: list[Any], context: Any, suffix: str,
                  labels: list[str] | None = None) -> bytes:
    """Bytes of a report of ``assessments`` in the format of ``suffix`` (no identifiers)."""
    from ...report import write_report

    with tempfile.TemporaryDirectory(prefix="clonus-report-") as tmp:
        out = Path(tmp) / f"report{suffix}"
        written = write_report(out, assessments, context=context, include_identifiers=False,
                               labels=labels)
        return Path(written).read_bytes()


def _make_report(*, db: Session, user: User, blobs: BlobStore, a: AssessmentRow,
                 rec: RecordingRow, suffix: str) -> bytes:
    """Write one assessment's report with :func:`clonus.report.write_report`.

    The stored trace is put back on the assessment, so plots show exactly what was assessed;
    only when no trace was stored is the original file read again for the plot. The patient's
    pseudonymous code is the report's subject code; identifying details are never included.
    """
    from ...report import write_report

    assessment = _with_trace(db, a, rec)
    context = _patient_context(db, user, rec.patient_id, rec.session_id)
    with tempfile.TemporaryDirectory(prefix="clonus-report-") as tmp:
        recordings = None
        blob = blobs.path_for(rec.sha256)
        if assessment.trace is None and blob.is_file():
            import clonus

            # Re-read the original under its own name so the format is detected as before.
            named = Path(tmp) / Path(rec.filename).name
            named.symlink_to(blob)
            try:
                recordings = [clonus.read(named)]
            except ClonusError:
                recordings = None
        out = Path(tmp) / f"report{suffix}"
        written = write_report(out, [assessment], recordings=recordings, context=context,
                               include_identifiers=False)
        return Path(written).read_bytes()


@router.get("/patients/{patient_id}/report", tags=["patients"],
            summary="A report comparing a patient's recordings over time",
            response_class=Response,
            responses={200: {"content": {t: {} for _, t in _REPORT_TYPES.values()}}})
def get_patient_report(patient_id: int, db: DbDep, user: CurrentUser,
                       format: Literal["html", "pdf", "fhir"] = "html") -> Response:
    """All of a patient's assessments, oldest (baseline) first, in one report: the corrected
    result where there is one. FHIR gives a Bundle of Observations."""
    if repo.get_patient(db=db, owner_id=user.id, patient_id=patient_id) is None:
        raise HTTPException(status_code=404, detail=f"No patient {patient_id}.")
    points = repo.trends(db=db, owner_id=user.id, patient_id=patient_id)
    if not points:
        raise HTTPException(status_code=404, detail="This patient has no recordings yet.")
    items, labels = [], []
    for p in points:
        a = owned_assessment(db, user, p["assessment_id"])
        items.append(_with_trace(db, a, owned_recording(db, user, p["recording_id"])))
        labels.append(p["time"][:10] + (" (corrected)" if p["kind"] == "corrected" else ""))
    suffix, media = _REPORT_TYPES[format]
    data = render_report(assessments=items, suffix=suffix, labels=labels,
                         context=_patient_context(db, user, patient_id, None))
    return Response(content=data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="clonus-patient-{patient_id}{suffix}"'})
