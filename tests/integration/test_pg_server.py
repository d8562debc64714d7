"""The PostgreSQL server of the team-mode tests (tests/pg.py): it starts, answers on its socket
only, and gives every test a fresh database of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pg import ENV, PgServer, dev_postgres, start_pg_server, with_database


def tables(server: PgServer, database: str) -> list[str]:
    with server.connect(database) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema') ORDER BY tablename"
        ).fetchall()
    return [row[0] for row in rows]


def test_the_server_answers_with_a_superuser_able_to_create_databases(
    pg_server: PgServer,
) -> None:
    with pg_server.connect() as conn:
        version, createdb = conn.execute(
            "SELECT current_setting('server_version_num')::int, rolcreatedb OR rolsuper "
            "FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert version >= 110000
    assert createdb is True


def test_the_throwaway_server_listens_on_its_socket_only_and_skips_fsync(
    pg_server: PgServer,
) -> None:
    if not pg_server.throwaway:
        pytest.skip(f"{ENV} names a server of its own")
    with pg_server.connect() as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('listen_addresses', 'fsync', 'unix_socket_directories')"
            ).fetchall()
        )
    assert settings == {
        "listen_addresses": "",
        "fsync": "off",
        "unix_socket_directories": str(pg_server.started.folder),
    }
    assert pg_server.admin_url == f"postgresql:///postgres?host={pg_server.started.folder}"


def test_each_test_gets_a_fresh_empty_database_named_in_its_url(
    pg_server: PgServer, pg_url: str
) -> None:
    name = pg_url.split("?")[0].rsplit("/", 1)[1]
    assert pg_url == pg_server.url(name)
    import psycopg

    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
    assert tables(pg_server, name) == []


def test_databases_are_isolated_and_dropped(pg_server: PgServer) -> None:
    first, second = pg_server.create_database(), pg_server.create_database()
    try:
        assert first != second
        with pg_server.connect(first) as conn:
            conn.execute("CREATE TABLE leads (number text PRIMARY KEY)")
            conn.execute("INSERT INTO leads VALUES ('L-0001')")
        assert tables(pg_server, first) == ["leads"]
        assert tables(pg_server, second) == []
    finally:
        pg_server.drop_database(first)
        pg_server.drop_database(second)
    with pg_server.connect() as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname IN (%s, %s)", (first, second)
        ).fetchall()
    assert left == []


def test_a_test_using_the_server_is_marked_postgres(
    request: pytest.FixtureRequest, pg_url: str
) -> None:
    assert request.node.get_closest_marker("postgres") is not None


def test_another_database_url_keeps_host_user_and_options() -> None:
    assert (
        with_database("postgresql://sales@db.example:5433/postgres?sslmode=require", "sf_1")
        == "postgresql://sales@db.example:5433/sf_1?sslmode=require"
    )
    assert with_database("postgresql:///postgres?host=/run/pg", "a b") == (
        "postgresql:///a%20b?host=/run/pg"
    )


def test_without_binaries_the_reason_names_what_is_missing(tmp_path: Path) -> None:
    script = dev_postgres()
    with pytest.raises(script.Unavailable) as missing:
        script.find_bindir(search_path=str(tmp_path), debian=tmp_path / "postgresql")
    message = str(missing.value)
    assert "initdb, pg_ctl, postgres" in message
    assert "postgresql package" in message


def test_binaries_are_found_in_debians_versioned_folders_newest_first(tmp_path: Path) -> None:
    script = dev_postgres()
    for version in ("13", "15", "9.6"):
        folder = tmp_path / "postgresql" / version / "bin"
        folder.mkdir(parents=True)
        for name in ("initdb", "pg_ctl", "postgres"):
            (folder / name).write_text("")
    (tmp_path / "postgresql" / "15" / "bin" / "postgres").unlink()  # an incomplete install
    found = script.find_bindir(search_path=str(tmp_path / "empty"), debian=tmp_path / "postgresql")
    assert found == tmp_path / "postgresql" / "13" / "bin"


def test_a_test_server_url_that_does_not_answer_is_a_reason_to_skip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv(ENV, f"postgresql:///postgres?host={tmp_path}")
    server, reason = start_pg_server()
    assert server is None
    assert reason.startswith(f"{ENV} names a server that does not answer: ")
