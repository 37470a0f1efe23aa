/* permits.h - Si-Intan: research permits (Surat Keterangan Penelitian).
 *
 * An applicant drafts an application with its documents, submits it; the
 * licensing office (DPMPTSP) checks it is complete or returns it, the
 * Kesbangpol assesses its likely negative impact and recommends, the head
 * of the signing unit issues the signed letter (core/letters.h) or refuses.
 * The locations named are told; after the research the applicant reports,
 * and finished work goes into the public research library.
 */
#ifndef PENDOPO_PERMITS_H
#define PENDOPO_PERMITS_H

#include "module.h"

extern const struct module permits_module;

#endif
