{{- define "outer" -}}
{{ include "middle" (dict "spec" .pod.spec "root" .root) }}
{{- end }}
{{- define "middle" -}}
hostNetwork: {{ .spec.hostNetwork }}
containers:
  - name: app
    image: {{ .root.Values.image }}
    securityContext:
{{ include "inner" (dict "sc" .spec.securityContext) | indent 6 }}
{{- end }}
{{- define "inner" -}}
privileged: {{ .sc.privileged }}
runAsUser: {{ .sc.runAsUser }}
{{- end }}
