{{- define "partials.pod" -}}
containers:
  - name: app
    image: registry.example/app:1.0
    volumeMounts:
      {{- toYaml .Values.mounts | nindent 6 }}
volumes:
  {{- toYaml .Values.volumes | nindent 2 }}
{{- end -}}
