#!/usr/bin/env bash
# Do two versions of the migrations build the same database? Applies the scripts of git revision A
# and of B (default: the working tree) to two fresh databases of the local PostgreSQL, as the
# migrator does (name order, migrations/ before orleans/, one transaction per script, DbUp's journal
# table), and compares their catalogs: tables and their options, columns in order, constraints,
# indexes, functions (body digest, SECURITY DEFINER, SET options), triggers, sequences, privileges
# (tables, columns, functions, schema, default privileges) and the rows a fresh install starts with.
# Prints the differences and exits 1, or prints "same schema" and exits 0.
#
#   deploy/local/compare-migrations.sh main            # main's scripts against the working tree's
#   deploy/local/compare-migrations.sh 27a9c80 squash
#
# Used to show that the baseline (0001-0009) builds what the chain it replaced built; useful again
# whenever scripts are reorganized without meaning to change the schema.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 REV_A [REV_B]" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/postgres.sh

PSQL=(psql -h 127.0.0.1 -p "$LEADGRAINS_PG_PORT" -U leadgrains -v ON_ERROR_STOP=1 -q)
work=$(mktemp -d)
trap 'rm -rf "$work"; for db in lg_compare_a lg_compare_b; do "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true; done' EXIT

# The scripts of a revision ('.' for the working tree) into a folder, in the migrator's order.
export_scripts() {
  local rev=$1 out=$2 path
  mkdir -p "$out"
  for folder in sql/migrations sql/orleans; do
    if [ "$rev" = . ]; then
      for path in "$folder"/*.sql; do cp "$path" "$out/${folder#sql/}__$(basename "$path")"; done
    else
      git ls-tree --name-only "$rev" "$folder/" | grep '\.sql$' | while read -r path; do
        git show "$rev:$path" > "$out/${folder#sql/}__$(basename "$path")"
      done
    fi
  done
}

build() {
  local db=$1 dir=$2 script
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
  # DbUp's journal, as dbup-postgresql creates it before the first script.
  "${PSQL[@]}" -d "$db" -c 'CREATE TABLE schema_versions (schemaversionsid serial NOT NULL, scriptname character varying(255) NOT NULL,
                                applied timestamp without time zone NOT NULL, CONSTRAINT "PK_schema_versions_Id" PRIMARY KEY (schemaversionsid))'
  for script in $(ls "$dir" | LC_ALL=C sort); do
    "${PSQL[@]}" -d "$db" --single-transaction -f "$dir/$script" >/dev/null \
      || { echo "[compare] $script failed on $db" >&2; exit 2; }
  done
}

facts() {
  "${PSQL[@]}" -d "$1" -At <<'SQL'
SELECT line FROM (
  SELECT format('rel %s kind=%s opts=%s acl=%s', c.relname, c.relkind, c.reloptions, c.relacl) AS line
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  -- by position among the live columns: a dropped column leaves a hole in attnum, nothing else
  SELECT format('col %s.%s pos=%s type=%s notnull=%s default=%s identity=%s acl=%s', c.relname, a.attname,
                row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attacl)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('con %s.%s type=%s def=%s', c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('idx %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('fn %s(%s) returns=%s lang=%s secdef=%s volatile=%s config=%s acl=%s src_md5=%s',
                p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), l.lanname,
                p.prosecdef, p.provolatile, p.proconfig, p.proacl, md5(p.prosrc))
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('trg %s', pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT format('seq %s type=%s start=%s inc=%s cycle=%s', c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqcycle)
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('defacl role=%s schema=%s type=%s acl=%s', pg_get_userbyid(d.defaclrole), d.defaclnamespace::regnamespace,
                d.defaclobjtype, d.defaclacl)
    FROM pg_default_acl d
  UNION ALL
  SELECT format('schema %s acl=%s', n.nspname, n.nspacl) FROM pg_namespace n WHERE n.nspname = 'public'
  UNION ALL
  SELECT format('type %s kind=%s', t.typname, t.typtype) FROM pg_type t
   WHERE t.typnamespace = 'public'::regnamespace AND t.typrelid = 0 AND t.typelem = 0
  UNION ALL
  -- The rows a fresh install starts with, without their timestamps (the journal aside).
  SELECT format('rows %s %s', c.relname,
                (xpath('/row/r/text()', query_to_xml(format(
                    'SELECT jsonb_agg(to_jsonb(t) - %L::text[] ORDER BY (to_jsonb(t) - %L::text[])::text) AS r FROM public.%I t',
                    ts.cols, ts.cols, c.relname), false, true, '')))[1]::text)
    FROM pg_class c
   CROSS JOIN LATERAL (SELECT coalesce(array_agg(a.attname::text), '{}') AS cols FROM pg_attribute a
                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype)) ts
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_versions'
) facts ORDER BY line;
SQL
}

export_scripts "$1" "$work/a"
export_scripts "${2:-.}" "$work/b"
build lg_compare_a "$work/a"
build lg_compare_b "$work/b"
facts lg_compare_a > "$work/a.facts"
facts lg_compare_b > "$work/b.facts"
echo "[compare] $(wc -l < "$work/a.facts") catalog facts from $1, $(wc -l < "$work/b.facts") from ${2:-the working tree}"
if diff "$work/a.facts" "$work/b.facts"; then
  echo "[compare] same schema"
else
  exit 1
fi
