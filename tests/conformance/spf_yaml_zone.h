/* SPDX-License-Identifier: MIT */
/*
 * spf_yaml_zone.h - turn an openspf test-suite scenario's `zonedata`
 * (a libyaml node) into RFC 1035 master-file text for the zone backend,
 * following the suite's driver conventions (README.md in
 * ../shared/testsuites/spf): SPF entries are also served as TXT unless the
 * name has a TXT entry, "TXT: NONE" serves nothing, a bare TIMEOUT makes
 * every type without an earlier record time out, {TYPE: TIMEOUT} one type.
 */
#ifndef SPF_YAML_ZONE_H
#define SPF_YAML_ZONE_H

#include <stddef.h>
#include <yaml.h>

struct strbuf {
	char *data;
	size_t len, cap;
};

void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);
void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);

/* a scalar node's bytes (libyaml keeps NULs), or NULL if not a scalar */
const char *yz_scalar(yaml_document_t *doc, yaml_node_t *n, size_t *len);
/* the value of @key in mapping @map, or NULL */
yaml_node_t *yz_get(yaml_document_t *doc, yaml_node_t *map,
	const char *key);

/*
 * Append master-file text for @zonedata (a mapping) to @out. Returns 0,
 * or -1 with a message in @err for data it cannot represent.
 */
int yz_zone_text(yaml_document_t *doc, yaml_node_t *zonedata,
	struct strbuf *out, char *err, size_t errlen);

#endif
