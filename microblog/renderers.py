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
