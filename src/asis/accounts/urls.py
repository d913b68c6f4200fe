from django.contrib.auth import views as auth_views
from django.urls import path

from asis.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/unlock/", views.login_unlock, name="login_unlock"),
    path("login/confirm/<str:token>/", views.login_confirm, name="login_confirm"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/",
         auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/complete/",
         auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
         name="password_reset_complete"),
    path("profile/", views.profile, name="profile"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("my-data/", views.my_data, name="my_data"),
    path("delete/", views.delete_account, name="delete_account"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:organisation_id>/members/add/", views.organisation_member_add,
         name="organisation_member_add"),
    path("organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
         views.organisation_member_remove, name="organisation_member_remove"),
]
