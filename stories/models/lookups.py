"""Lookups the app registers at start-up (StoriesConfig.ready)."""

from django.db.models import BigAutoField, Lookup


@BigAutoField.register_lookup
class AnyOf(Lookup):
    """`pk__any_of=[...]`: `id = ANY(%s)` with the whole list as one parameter, so a
    list of two thousand ids costs one parameter to compile, not two thousand."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
