from django.contrib import admin

from microblog.posts.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["body", "author", "timestamp"]
    list_select_related = ["author"]
    search_fields = ["body", "author__username"]
    date_hierarchy = "timestamp"
    raw_id_fields = ["author"]
