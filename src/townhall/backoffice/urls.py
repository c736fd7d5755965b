"""Staff pages, under ``/backoffice/``: every one needs the second factor
(``townhall.accounts.second_factor.StaffSecondFactorMiddleware``)."""

from django.urls import path

from townhall.backoffice import (
    case_inbox_views,
    case_views,
    catalog_views,
    document_batch_views,
    document_views,
    form_views,
    import_views,
    news_views,
    person_views,
    views,
    workflow_views,
)
from townhall.backoffice.messaging_views import (
    compose,
    letters,
    message_templates,
    overview,
    persons,
    social,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("begeleide-sessie/", views.assisted_session_start, name="assisted_start"),
    path("persoon/<int:pk>/volmachten/", person_views.person_mandates, name="person_mandates"),
    path("persoon/<int:pk>/geschiedenis/", person_views.person_history_view, name="person_history"),
    # Case handling's inboxes (zaken): the department's, one's own, giving cases, export, figures
    path("zaken/", case_inbox_views.cases_inbox, name="cases_inbox"),
    path("zaken/mijn/", case_inbox_views.cases_mine, name="cases_mine"),
    path("zaken/toewijzen/", case_inbox_views.cases_assign, name="cases_assign"),
    path("zaken/export/", case_inbox_views.cases_export, name="cases_export"),
    path("zaken/cijfers/", case_inbox_views.cases_dashboard, name="cases_dashboard"),
    # A case (zaak): its page and what staff do on it
    path("zaken/<uuid:uuid>/", case_views.case_detail, name="case"),
    path("zaken/<uuid:uuid>/stap/", case_views.case_step, name="case_step"),
    path("zaken/<uuid:uuid>/notitie/", case_views.case_note, name="case_note"),
    path("zaken/<uuid:uuid>/bericht/", case_views.case_message, name="case_message"),
    path("zaken/<uuid:uuid>/nemen/", case_views.case_take, name="case_take"),
    path("zaken/<uuid:uuid>/terugnemen/", case_views.case_undo, name="case_undo"),
    path(
        "zaken/<uuid:uuid>/bestanden/<uuid:file_uuid>/",
        case_views.case_file,
        name="case_file",
    ),
    path(
        "zaken/<uuid:uuid>/documenten/<uuid:document_uuid>/",
        case_views.case_document,
        name="case_document",
    ),
    # News, events and alerts of the website (publicaties): write, preview, publish
    path("publicaties/", news_views.publication_list, name="news_publications"),
    path("publicaties/nieuw/", news_views.publication_new, name="news_publication_new"),
    path("publicaties/<int:pk>/", news_views.publication_edit, name="news_publication"),
    path(
        "publicaties/<int:pk>/voorbeeld/",
        news_views.publication_preview,
        name="news_publication_preview",
    ),
    path(
        "publicaties/<int:pk>/status/", news_views.publication_state, name="news_publication_state"
    ),
    path(
        "publicaties/<int:pk>/bereik/", news_views.publication_reach, name="news_publication_reach"
    ),
    # The documents the municipality issued (documenten): find, look at, revoke
    path("documenten/", document_views.document_list, name="documents"),
    path("documenten/<uuid:uuid>/", document_views.document_detail, name="document"),
    path(
        "documenten/<uuid:uuid>/intrekken/",
        document_views.document_revoke_view,
        name="document_revoke",
    ),
    # Print batches of documents (reeksen): many documents at once, one PDF to print
    path("documenten/reeksen/", document_batch_views.batch_list, name="document_batches"),
    path("documenten/reeksen/nieuw/", document_batch_views.batch_new, name="document_batch_new"),
    path(
        "documenten/reeksen/<uuid:uuid>/", document_batch_views.batch_detail, name="document_batch"
    ),
    path(
        "documenten/reeksen/<uuid:uuid>/pdf/",
        document_batch_views.batch_pdf,
        name="document_batch_pdf",
    ),
    path(
        "documenten/reeksen/<uuid:uuid>/opnieuw/",
        document_batch_views.batch_retry,
        name="document_batch_retry",
    ),
    # Imports of the authentic sources (registerimport): start one, follow a run, its
    # rejected rows, the history
    path("registerimport/", import_views.imports, name="imports"),
    path("registerimport/starten/", import_views.import_start_view, name="import_start"),
    path("registerimport/<int:pk>/", import_views.import_run, name="import_run"),
    path(
        "registerimport/<int:pk>/geweigerde-rijen.csv",
        import_views.import_report,
        name="import_report",
    ),
    # Messaging (berichten)
    path("berichten/", overview.messaging_home, name="messaging_home"),
    path("berichten/nieuw/", compose.compose, name="messaging_compose"),
    path(
        "berichten/verzending/<uuid:uuid>/",
        overview.broadcast_detail,
        name="messaging_broadcast",
    ),
    path("berichten/persoon/<int:pk>/", persons.person_messages, name="messaging_person"),
    path(
        "berichten/bericht/<uuid:uuid>/opnieuw/",
        persons.message_resend_view,
        name="messaging_resend",
    ),
    path(
        "berichten/bericht/<uuid:uuid>/annuleren/",
        persons.message_cancel_view,
        name="messaging_cancel",
    ),
    path("berichten/brieven/", letters.letter_batches, name="messaging_letters"),
    path(
        "berichten/brieven/<int:pk>/afdrukken/",
        letters.letter_batch_render_view,
        name="messaging_letter_render",
    ),
    path("berichten/brieven/<int:pk>/pdf/", letters.letter_batch_pdf, name="messaging_letter_pdf"),
    path(
        "berichten/brieven/<int:pk>/gepost/",
        letters.letter_batch_posted_view,
        name="messaging_letter_posted",
    ),
    path("berichten/sociale-media/", social.social_posts, name="messaging_social"),
    path(
        "berichten/sociale-media/<uuid:uuid>/opnieuw/",
        social.social_post_retry_view,
        name="messaging_social_retry",
    ),
    path(
        "berichten/sociale-media/<uuid:uuid>/annuleren/",
        social.social_post_cancel_view,
        name="messaging_social_cancel",
    ),
    path("berichten/sjablonen/", message_templates.template_list, name="messaging_templates"),
    path(
        "berichten/sjablonen/<slug:code>/",
        message_templates.template_detail,
        name="messaging_template",
    ),
    # The product catalogue and the online forms (catalogus, formulieren)
    path("catalogus/", catalog_views.product_list, name="catalog_products"),
    path("catalogus/<int:pk>/", catalog_views.product_edit, name="catalog_product"),
    path("catalogus/<int:pk>/status/", catalog_views.product_state, name="catalog_product_state"),
    path("formulieren/", form_views.form_list, name="forms"),
    path("formulieren/nieuw/", form_views.form_new, name="form_new"),
    path("formulieren/<int:pk>/", form_views.form_versions, name="form_versions"),
    path("formulieren/<int:pk>/bewerken/", form_views.form_edit, name="form_edit"),
    path("formulieren/<int:pk>/voorbeeld/", form_views.form_preview, name="form_preview"),
    path("formulieren/versie/<int:pk>/", form_views.form_version, name="form_version"),
    path(
        "formulieren/versie/<int:pk>/publiceren/",
        form_views.form_version_publish,
        name="form_version_publish",
    ),
    # Workflows (werkstromen): the models of case handling, their versions, a dry run
    # on sample data, and moving running cases to the newest version.
    path("werkstromen/", workflow_views.workflow_list, name="workflows"),
    path("werkstromen/<int:pk>/", workflow_views.workflow_detail, name="workflow"),
    path(
        "werkstromen/<int:pk>/nieuwe-versie/",
        workflow_views.workflow_upload,
        name="workflow_upload",
    ),
    path(
        "werkstromen/<int:pk>/zaken-verplaatsen/",
        workflow_views.workflow_migrate,
        name="workflow_migrate",
    ),
    path(
        "werkstromen/versie/<int:pk>/bpmn/",
        workflow_views.workflow_version_download,
        name="workflow_version_download",
    ),
    path(
        "werkstromen/versie/<int:pk>/proefrit/",
        workflow_views.workflow_version_dry_run,
        name="workflow_version_dry_run",
    ),
]
