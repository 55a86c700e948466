// SPDX-License-Identifier: GPL-2.0-or-later
/* report_format.h: the formats an audit can be written in */
#ifndef TWTUNE_REPORT_FORMAT_H
#define TWTUNE_REPORT_FORMAT_H

enum report_format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_K8S, FMT_DOCKER };

#endif
