{{- define "postgresql.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Secret holding the passwords: global first, as bitnami's common.secrets helpers. */}}
{{- define "postgresql.secretName" -}}
{{- $global := .Values.global.postgresql.auth.existingSecret -}}
{{- if $global -}}
{{ tpl $global $ }}
{{- else -}}
{{ include "postgresql.fullname" . }}
{{- end -}}
{{- end -}}

{{- define "postgresql.image" -}}
{{- $registry := .Values.image.registry -}}
{{- with .Values.global.imageRegistry }}{{ $registry = . }}{{ end -}}
{{ printf "%s/%s:%s" $registry .Values.image.repository (.Values.image.tag | toString) }}
{{- end -}}
