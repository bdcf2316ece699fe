"""PreparedQuery: a query that the ORM compiles to SQL once per process, then runs with new values.

On a lookup by an indexed column, compiling the queryset costs several times what running it does
(measured here: `User.objects.get(pk=…)` 540 µs, the same SQL on a cursor 70 µs), and a page view
runs such lookups every time: the logged-in user, the profile's owner, the list of posts.
"""

import itertools
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# Each parameter is compiled with a value of its own: a str or an int above the ones Python
# shares (-5 to 256), made anew, so that no other value in the query is that very object. The
# strings hold what a lookup that transforms its value (LIKE escaping, case folding) would change.
_sentinels = itertools.count(1_000_003)
SENTINEL_OF = {
    int: lambda: next(_sentinels),
    str: lambda: f"%_\\Prepared-{next(_sentinels)}",
}


class PreparedQuery:
    """`build(*values)` returns the queryset; `types` are its parameters' types, int or str.

    The query is compiled once, with a sentinel value for each parameter; the compiled SQL then
    runs with the caller's values in their place, and its rows are converted as the ORM converts
    them (dates, booleans). It fails closed: the compiled SQL's parameters must be exactly the
    sentinels, each one itself (identity, not equality: `True == 1`). A constant of the query's
    own, or a sentinel that the lookup transformed as it compiled, is refused when the query is
    first compiled. It serves the default database.
    """

    def __init__(self, build, *types):
        unsupported = [t for t in types if t not in SENTINEL_OF]
        if unsupported:
            raise ImproperlyConfigured(f"PreparedQuery parameters are int or str: {unsupported}")
        self.build = build
        self.types = types

    def rows(self, *values):
        """The rows of the query for `values`, as tuples, converted as the ORM does."""
        given = tuple(type(value) for value in values)
        if given != self.types:
            raise TypeError(f"This PreparedQuery takes values of the types {self.types}: {given}")
        sql, positions, converters, *_ = self.compiled
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(sql, [values[position] for position in positions])
            rows = cursor.fetchall()
        if not converters:
            return rows
        return [self._convert(row, converters, connection) for row in rows]

    def first(self, *values):
        """The first model instance the query gives for `values`, or None."""
        rows = self.rows(*values)
        if not rows:
            return None
        *_, model, field_names = self.compiled
        return model.from_db(DEFAULT_DB_ALIAS, field_names, rows[0])

    @cached_property
    def compiled(self):
        sentinels = [SENTINEL_OF[kind]() for kind in self.types]
        compiler = self.build(*sentinels).query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        # Which value goes into each parameter: only a sentinel itself may. Anything else would
        # run wrong with the caller's values, so the query is refused instead.
        positions = [next((n for n, s in enumerate(sentinels) if s is p), None) for p in params]
        if None in positions or set(positions) != set(range(len(sentinels))):
            raise ImproperlyConfigured(
                "A PreparedQuery's SQL must take its parameters exactly as given, and no "
                f"constant: compiled with {sentinels!r}, its parameters were {list(params)!r}"
            )
        columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        converters = []
        for index, column in enumerate(columns):
            found = compiler.connection.ops.get_db_converters(column)
            found += column.get_db_converters(compiler.connection)
            if found:
                converters.append((index, column, found))
        # The model fields that the columns hold, for first(); None for a column of no field.
        field_names = [getattr(getattr(col, "target", None), "attname", None) for col in columns]
        return sql, positions, converters, compiler.query.model, field_names

    @staticmethod
    def _convert(row, converters, connection):
        row = list(row)
        for index, column, functions in converters:
            for function in functions:
                row[index] = function(row[index], column, connection)
        return tuple(row)
