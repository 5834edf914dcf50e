"""A FastAPI application that aligns its database at start-up and reports it on /health, the way
it did with its in-app SchemaManager; the SchemaManager is now schema_operator_sqlalchemy's."""
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from schema_operator_sqlalchemy import SchemaManager

from .models import Base, Note

HERE = Path(__file__).resolve().parent.parent

# The same name and namespace as databaseschema.yaml: the database records one owner per schema,
# so the application and, later, the operator must be the same owner.
schema_manager = SchemaManager(Base, name="notes", namespace="apps", alembic_config=HERE / "alembic.ini")


@asynccontextmanager
async def lifespan(app: FastAPI):
    # ENABLE_AUTO_MIGRATION=true: alembic upgrade head, then the safe fixes (destructive ones with
    # AUTO_SCHEMA_DESTRUCTIVE=true). Otherwise: drift is reported in the log, nothing changes.
    await schema_manager.initialize_database()
    yield
    if _engine is not None:
        _engine.dispose()


app = FastAPI(lifespan=lifespan)
_engine = None


def engine():
    global _engine
    if _engine is None:
        _engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
    return _engine


@app.get("/health")
async def health():
    status = await schema_manager.health()
    return JSONResponse(status.as_dict(), status_code=200 if status.database_available else 503)


class NoteIn(BaseModel):
    title: str
    body: Optional[str] = None


@app.post("/notes", status_code=201)
def create_note(note: NoteIn):
    if not note.title:
        raise HTTPException(422, "title must not be empty")
    with Session(engine()) as session, session.begin():
        row = Note(title=note.title, body=note.body)
        session.add(row)
        session.flush()
        return {"id": row.id, "title": row.title, "visibility": row.visibility.value if row.visibility else None}


@app.get("/notes")
def list_notes():
    with Session(engine()) as session:
        return [{"id": n.id, "title": n.title} for n in session.scalars(select(Note).order_by(Note.id))]
