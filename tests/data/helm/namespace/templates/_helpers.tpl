{{- define "ns.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ns.piped" -}}
{{- .Values.namespaceOverride | default .Release.Namespace -}}
{{- end -}}
