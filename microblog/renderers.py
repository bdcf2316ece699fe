from functools import lru_cache

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Render forms with Django's Jinja2 form templates: the same HTML, in half the time.

    Widgets that ship only Django-language templates (the admin's and contrib.auth's) are
    rendered with those.
    """

    fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)


def render_form(form):
    """{{ render_form(form) }}: the form's fields as HTML, as form.as_div() renders them.

    An unbound form (a page's empty sign-in form, the profile form with the user's own values) is
    rendered once per process for each set of values: its HTML depends on its class and values
    alone, for forms like ours whose fields offer no choices read from the database. A bound
    form, with what the user typed and its errors, is rendered each time.
    """
    if form.is_bound:
        return form.as_div()
    values = tuple((name, form[name].value()) for name in form.fields)
    try:
        return unbound_form_html(type(form), form.prefix, values)
    except TypeError:  # a value that can't be a key (a list): render it as it is
        return form.as_div()


# Per process, like the lists of posts: a deploy's new code renders anew, and the size bounds the
# memory (a form is a few KB).
@lru_cache(maxsize=1024)
def unbound_form_html(form_class, prefix, values):
    return form_class(prefix=prefix, initial=dict(values)).as_div()


def shared_unbound_form(form_class, **kwargs):
    """An unbound form_class(**kwargs), built once per process and shown by every request.

    Building a form deep-copies its fields (the sign-in form: a tenth of /login's instructions), and
    an unbound form is only read when a page shows it. Anything that could make one request's form
    differ from another's gets a form of its own, built as Django builds it: kwargs besides prefix
    and initial, initial values that can't be a key, and callable initial values (see
    unbound_form). README: Shortcuts.
    """
    if set(kwargs) <= {"prefix", "initial"}:
        initial = kwargs.get("initial") or {}
        try:
            form = unbound_form(form_class, kwargs.get("prefix"), frozenset(initial.items()))
        except TypeError:  # a value that can't be a key (a list)
            form = None
        if form is not None:
            return form
    return form_class(**kwargs)


@lru_cache(maxsize=64)
def unbound_form(form_class, prefix, initial):
    """The form to share for these values, or None if it can't be shared: an initial value that
    is callable, given or a field's own (its __init__'s included), is worked out when the form is
    shown, and so may differ from request to request. Checked once, on the form built."""
    form = form_class(prefix=prefix, initial=dict(initial))
    initials = [*form.initial.values(), *(field.initial for field in form.fields.values())]
    return None if any(callable(value) for value in initials) else form
